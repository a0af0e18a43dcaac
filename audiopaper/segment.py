"""Sentences → engine-sized segments.

Text is split into sentences at 。！？；… (closing quotes stay with their sentence),
sentences into clauses at ，、：, and clauses are packed back together up to the
engine's limit. A clause longer than the limit is cut between words (jieba), never
inside one, and nothing is ever truncated.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from audiopaper.kept_regex import compile_kept
from audiopaper.models import Pause, Segment
from audiopaper.script import Line

Normalizer = Callable[[str], str]

_CLOSERS = "”’」』）)》〉】\"'"
_SENTENCE = compile_kept(rf"[^。！？；!?;…]*(?:[。！？；!?;]+|…+|$)[{_CLOSERS}]*")
_SPEAKABLE = compile_kept(r"[\w\u3400-\u9fff]")
_CJK_SPACE = compile_kept(r"(?<=[\u3400-\u9fff”）])\s+(?=[\u3400-\u9fff“（])")


@dataclass(frozen=True)
class Piece:
    source: str
    spoken: str


def split_sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE.findall(text) if s.strip()]


def split_clauses(sentence: str) -> list[str]:
    """Cut after ，、 and after a colon or comma that is not inside a number or a
    clock time (22：58, 3,456). Joining the clauses gives the sentence back."""
    clauses: list[str] = []
    start = 0
    for index, char in enumerate(sentence):
        if char in "，、" or (char in "：,:" and not _between_digits(sentence, index)):
            clauses.append(sentence[start : index + 1])
            start = index + 1
    if start < len(sentence):
        clauses.append(sentence[start:])
    return clauses


def _between_digits(text: str, index: int) -> bool:
    return 0 < index < len(text) - 1 and text[index - 1].isdigit() and text[index + 1].isdigit()


def segment_script(lines: list[Line], normalize: Normalizer, max_chars: int) -> list[Segment]:
    segments: list[Segment] = []
    for line in lines:
        segments.extend(_segment_line(line, normalize, max_chars))
    return segments


def _segment_line(line: Line, normalize: Normalizer, max_chars: int) -> Iterator[Segment]:
    text = line.text.strip()
    sentences = [s for s in split_sentences(text) if _SPEAKABLE.search(s)]
    for sentence_index, sentence in enumerate(sentences):
        pieces = pack_sentence(sentence, normalize, max_chars)
        pieces = [p for p in pieces if _SPEAKABLE.search(p.spoken)]
        for piece_index, piece in enumerate(pieces):
            last_piece = piece_index == len(pieces) - 1
            last_sentence = sentence_index == len(sentences) - 1
            pause = Pause.NONE
            if last_piece:
                pause = line.pause_after if last_sentence else Pause.SENTENCE
            yield Segment(
                source_text=piece.source.strip(),
                spoken_text=piece.spoken.strip(),
                role=line.role,
                article_index=line.article_index,
                paragraph_index=line.paragraph_index,
                sentence_index=sentence_index,
                pause_after=pause,
            )


def pack_sentence(sentence: str, normalize: Normalizer, max_chars: int) -> list[Piece]:
    """Normalize a sentence clause by clause and pack the clauses up to ``max_chars``
    spoken characters per piece."""
    normalize = _with_spaces_as_pauses(normalize)
    whole = Piece(sentence, normalize(sentence))
    if len(whole.spoken) <= max_chars:
        return [whole]
    clauses: list[Piece] = []
    for clause in split_clauses(sentence):
        clauses.extend(_fit_clause(Piece(clause, normalize(clause)), normalize, max_chars))
    return _pack(clauses, max_chars)


def _with_spaces_as_pauses(normalize: Normalizer) -> Normalizer:
    # A space between two CJK words (a headline's two halves) is read as a comma.
    return lambda text: normalize(_CJK_SPACE.sub("，", text))


def _pack(pieces: list[Piece], max_chars: int) -> list[Piece]:
    packed: list[Piece] = []
    for piece in pieces:
        if packed and len(packed[-1].spoken) + len(piece.spoken) <= max_chars:
            last = packed[-1]
            packed[-1] = Piece(last.source + piece.source, last.spoken + piece.spoken)
        else:
            packed.append(piece)
    return packed


def _fit_clause(clause: Piece, normalize: Normalizer, max_chars: int) -> list[Piece]:
    """Cut an over-long clause between words until every piece fits."""
    if len(clause.spoken) <= max_chars:
        return [clause]
    words = _source_words(clause.source)
    pieces: list[Piece] = []
    current = ""
    for word in words:
        candidate = current + word
        if current and len(normalize(candidate)) > max_chars:
            pieces.append(Piece(current, normalize(current)))
            current = word
        else:
            current = candidate
    if current:
        pieces.append(Piece(current, normalize(current)))
    fitted: list[Piece] = []
    for piece in pieces:
        if len(piece.spoken) <= max_chars:
            fitted.append(piece)
        else:  # one "word" (a long number, say) reads longer than the limit
            fitted.extend(_split_spoken(piece, max_chars))
    return fitted


def _source_words(text: str) -> list[str]:
    """jieba words, merged so no cut falls inside a number, code or Latin word."""
    words: list[str] = []
    for word in _words(text):
        if words and (_glued(words[-1][-1], word[0])):
            words[-1] += word
        else:
            words.append(word)
    return words


def _glued(left: str, right: str) -> bool:
    def sticky(char: str) -> bool:
        return (char.isascii() and char.isalnum()) or char in ".%-:/"

    return sticky(left) and sticky(right)


def _split_spoken(piece: Piece, max_chars: int) -> list[Piece]:
    """Last resort for a piece whose spoken form alone exceeds the limit: cut the
    spoken text between jieba words (or characters); the source stays with the first."""
    parts: list[str] = []
    current = ""
    for word in _words(piece.spoken):
        while len(word) > max_chars:
            head, word = word[:max_chars], word[max_chars:]
            if current:
                parts.append(current)
                current = ""
            parts.append(head)
        if len(current) + len(word) > max_chars:
            parts.append(current)
            current = word
        else:
            current += word
    if current:
        parts.append(current)
    return [Piece(piece.source if i == 0 else "", part) for i, part in enumerate(parts)]


def _words(text: str) -> Iterator[str]:
    """jieba's words (its cut without the HMM)."""
    from audiopaper.frontend.wordfreq import word_table

    return word_table().cut(text)
