"""The pages the PDF tests typeset: text written for the project, laid out like a daily.

``THREE_PAGES`` is a three-page edition (要闻, 城事, 经济): a lead story with kicker, subtitle,
byline, photo and caption that jumps from page 1 to page 3, a story with a subhead, a short
item whose headline is printed under its body, a commentary with its author's bare name, a
continuation that repeats the first words of its headline. ``TINY`` is the same shape with
little text, for the end-to-end build.
"""

from __future__ import annotations

from typeset import PageSpec, Region, Story

BRIDGE = Story(
    kicker="从蓝图到通途——",
    headline="滨河大桥今日正式通车",
    subtitle="两岸通勤时间由四十分钟缩短至十分钟",
    byline="本报记者 顾晓川",
    photo_caption="6月8日，市民在滨河大桥上骑行体验。本报记者 顾晓川 摄",
    paragraphs=(
        "6月9日上午，历时三年建设的滨河大桥正式通车。大桥全长2.8公里，双向六车道，"
        "并设有独立的慢行系统，市民可以步行或骑车往返两岸。",
        "通车仪式结束后，第一批车辆缓缓驶上桥面。家住北岸的出租车司机方立新说，过去去南岸"
        "要绕行老城区，遇到早高峰得花四十分钟，今后十分钟就能到。",
        "## 三年攻坚建成跨江通道",
        "大桥于2022年5月开工，主桥采用双塔斜拉结构。建设者们克服了汛期水位上涨、冬季低温"
        "施工等困难，累计浇筑混凝土二十一万立方米。",
    ),
    jump_line="（下转3版）",
    headline_size=24,
)
BRIDGE_MORE = Story(
    headline="滨河大桥今日通车",
    continued_line="（上接1版）",
    paragraphs=(
        "据介绍，大桥通车后，南北两岸之间的日均车流预计将达到四万辆次，老城区三座旧桥的"
        "交通压力将明显减轻。",
        "市交通部门提醒，通车首周大桥实行限速每小时六十公里，请驾驶员按照指示标志有序通行。",
    ),
    headline_size=16,
)
MARKET = Story(
    headline="老街菜场完成改造",
    byline="本报记者 宋雨桐",
    paragraphs=(
        "经过半年的封闭施工，位于鼓楼街的老街菜场昨天重新开门迎客。改造后的菜场地面干爽，"
        "通道加宽，每个摊位都装上了电子价签。",
        "## 摊位重新规划",
        "菜场负责人介绍，原有的一百二十个摊位按照蔬菜、肉禽、水产和熟食分成四个区域，"
        "顾客进门就能看到分区导览图。",
        "摊主吴阿姨在这里卖了十五年豆腐，她说新摊位有了上下水，收拾起来方便多了，老顾客"
        "也都回来了。",
    ),
)
NIGHT_BUS = Story(
    headline="夜间公交线路再添三条",
    headline_below=True,
    paragraphs=(
        "本报讯(记者 马骁)记者从市公交集团获悉，自6月15日起，全市将新开通三条夜间公交线路，"
        "运营时间为每晚22时至次日凌晨2时。",
        "新线路覆盖火车东站、大学城和滨河新区等客流集中的区域，票价统一为2元。",
    ),
    headline_size=16,
)
CANTEEN = Story(
    kicker="民生实事进社区",
    headline="社区食堂开到家门口",
    byline="本报通讯员 许可 本报记者 唐蕾",
    paragraphs=(
        "中午十一点，位于柳岸小区一楼的社区食堂已经坐满了老人。一荤两素一汤只要十二元，"
        "八十岁以上的老人还能再享受半价优惠。",
        "街道负责人说，今年全区计划再建成十家社区食堂，让更多居民在家门口吃上热乎饭。",
    ),
)
SUMMER = Story(
    headline="暑期托管班开始报名",
    subtitle="全市开设一百六十个托管点",
    byline="本报记者 韩冬",
    photo_caption="图为去年暑期托管班的孩子们在上书法课。（资料图片）",
    paragraphs=(
        "记者从市教育局了解到，今年暑期托管服务将于7月7日启动，全市共开设一百六十个托管点，"
        "家长可以通过学校发布的通知在线报名。",
        "托管班以看护为主，每天安排阅读、体育和手工等活动，不讲授新课。",
        "托管费用由财政补助一部分，家长每人每期只需缴纳三百元。",
    ),
    headline_size=20,
)
SLOW_CITY = Story(
    headline="让城市慢下来",
    byline="林一鸣",
    paragraphs=(
        "一座城市的温度，往往藏在那些慢下来的地方：一段可以散步的河岸，一张可以歇脚的长椅，"
        "一家开了几十年的早点铺子。",
        "城市建设追求效率无可厚非，但也应当给市民留出停下脚步的空间。把更多的街角让给行人，"
        "把更多的滨水空间还给市民，城市才会更有味道。",
        "慢下来，不是停下来，而是让发展的节奏和人的感受合上拍。",
    ),
)
TEA = Story(
    headline="本地茶叶出口创新高",
    subtitle="前五个月出口额同比增长三成",
    byline="本报记者 钱塘",
    paragraphs=(
        "海关最新数据显示，今年前五个月，本地茶叶出口量达到1.2万吨，出口额同比增长31%，"
        "创下历史同期新高。",
        "出口企业负责人介绍，近年来企业加大了有机茶园建设力度，产品陆续进入欧洲和中亚市场。",
    ),
)
PARK = Story(
    headline="工业园区新增两家科技企业",
    paragraphs=(
        "本报讯(记者 严青)6月6日，两家从事新材料研发的科技企业在滨河工业园区签约落户，"
        "总投资约五亿元。",
        "园区管委会表示，将为入驻企业提供人才公寓和研发场地等配套服务。",
    ),
)

THREE_PAGES = [
    PageSpec(
        1,
        "要闻",
        (
            (BRIDGE, Region(0, 3, 0, 420)),
            (MARKET, Region(3, 2, 0, 640)),
            (NIGHT_BUS, Region(0, 2, 430, 640)),
        ),
        masthead=True,
    ),
    PageSpec(
        2,
        "城事",
        (
            (CANTEEN, Region(0, 2, 0, 380)),
            (SUMMER, Region(2, 3, 0, 380)),
            (SLOW_CITY, Region(0, 5, 390, 700)),
        ),
    ),
    PageSpec(
        3,
        "经济",
        (
            (BRIDGE_MORE, Region(0, 2, 0, 300)),
            (TEA, Region(2, 2, 0, 300)),
            (PARK, Region(0, 4, 320, 600)),
        ),
        columns=4,
    ),
]

# What reading the three pages must give: (page, title, byline) in order, the jumped story
# joined on page 1.
EXPECTED = [
    (1, BRIDGE, BRIDGE.byline),
    (1, MARKET, MARKET.byline),
    (1, NIGHT_BUS, "记者 马骁"),
    (2, CANTEEN, CANTEEN.byline),
    (2, SUMMER, SUMMER.byline),
    (2, SLOW_CITY, SLOW_CITY.byline),
    (3, TEA, TEA.byline),
    (3, PARK, "记者 严青"),
]


def body_of(story: Story, *more: Story) -> list[tuple[str, bool]]:
    """The paragraphs a reader must find: (text, is a subhead), datelines taken out."""
    import re

    result = []
    for part in (story, *more):
        for paragraph in part.paragraphs:
            if paragraph.startswith("## "):
                result.append((paragraph[3:], True))
            else:
                result.append((re.sub(r"^本报讯\([^)]*\)", "", paragraph), False))
    return result


TINY = [
    PageSpec(
        2,
        "城事",
        (
            (
                Story(
                    headline="街角书屋开门", byline="本报记者 唐蕾", paragraphs=("书屋免费开放。",)
                ),
                Region(0, 2, 0, 200),
            ),
        ),
        columns=4,
    ),
    PageSpec(
        1,
        "要闻",
        (
            (
                Story(
                    headline="新桥通车",
                    byline="本报记者 顾晓川",
                    paragraphs=("新桥今天通车。",),
                    jump_line="（下转3版）",
                ),
                Region(0, 2, 0, 200),
            ),
        ),
        columns=4,
        masthead=True,
    ),
    PageSpec(
        3,
        "经济",
        (
            (
                Story(
                    headline="新桥通车",
                    continued_line="（上接1版）",
                    paragraphs=("车流平稳。",),
                    headline_size=14,
                ),
                Region(0, 2, 0, 200),
            ),
        ),
        columns=4,
    ),
]
