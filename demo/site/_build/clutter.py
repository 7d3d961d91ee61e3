EN_COMMENTS = [
    ("harbourlass", "Every parent's worst nightmare. So glad there is some good news for once."),
    (
        "Pete_from_Eastfield",
        "Why does it always take a charity to push the police into doing their job?",
    ),
    (
        "quayside_reader",
        "I remember the posters going up at the bus station. Never forgot that face.",
    ),
    ("MJ1971", "The paywall on this site is getting ridiculous, I could only read half of it."),
    ("northern_nan", "Thoughts with the family. Hug your kids tonight, everyone."),
    ("dockyard_dave", "Another story the national papers will ignore because it is not London."),
    ("sceptical_sue", "Interesting that nobody has been charged yet. Watch this space."),
    ("RoverTillIDie", "Off topic but what a result on Saturday. Up the Rovers!"),
    ("lindahm", "My sister volunteers with a group like this. The work never stops."),
    ("ex_copper_steve", "Thirty years in the force and these cases stay with you for ever."),
    (
        "anon_reader_88",
        "Can someone explain why the photos are always so low quality on this site?",
    ),
    ("Brenda_K", "Shared this on the parents' group. More people need to know about the helpline."),
]
ZH_COMMENTS = [
    ("海边的风", "看哭了，希望所有被拐的孩子都能早日回家！"),
    ("老街坊", "人贩子就该严惩，买方也不能放过。"),
    ("江南烟雨", "为民警点赞，辛苦了！"),
    ("匿名网友", "这个网站的广告也太多了吧，看个新闻点了三次关闭。"),
    ("北漂十年", "去年我们单位也组织过采血，流程很快，大家有需要一定要去。"),
    ("山城小雨", "孩子的养父母也不容易，希望两家人好好相处。"),
    ("明天会更好", "转发了，多一个人看到就多一份希望。"),
    ("港城老李", "想起了我们村以前丢的那个孩子，不知道现在怎么样了。"),
]
HANT_COMMENTS = [
    ("台中阿明", "太可怕了，嚴懲這些販嬰集團！"),
    ("維港夜景", "義工們真的很偉大，向他們致敬。"),
    ("路過的網友", "希望收養制度能夠盡快修法。"),
]
