from audiopaper.cli import main

main()
