//! A deterministic generator of realistic citizens' appeals (群众诉求) with their true grouping.
//!
//! It feeds the clustering tests (the labelled set shipped in `tests/data/appeals-labelled.tsv`
//! is `generate(1, 1200)`), the benchmark (100,000 appeals) and the demo city. Each *problem*
//! (one label: a broken streetlight at one crossing, the noise of one night market, the wages one
//! site owes …) is written by several "citizens" in genuinely different words: different
//! sentences from a bank per kind of problem, different names for the same place (full name,
//! short name, with or without the township), optional details, 12345 operator phrasing,
//! openings and closings, and occasionally typos, traditional characters, full-width digits or
//! emoji. Problems share vocabulary on purpose: the same road or community carries several
//! problems, and the same kind of problem recurs in neighbouring communities.
//!
//! Pure: the same seed and count give the same appeals on every machine.

use std::fmt::Write as _;

/// One generated appeal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleAppeal {
    /// Sequence number from 1.
    pub id: u32,
    /// The problem it is about; appeals with the same label are the same hot issue.
    pub label: u32,
    /// Where it was filed: `county/township`, or only `county` when the citizen gave no more.
    pub place: String,
    /// The category the citizen chose.
    pub category: &'static str,
    /// What the citizen wrote.
    pub text: String,
}

/// A small deterministic generator (SplitMix64); no dependency and the same on every platform.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x5DEE_CE66_D1CE_4E5B)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64) < p
    }

    /// One of a non-empty list of words.
    pub fn word(&mut self, xs: &[&'static str]) -> &'static str {
        xs[self.below(xs.len())]
    }

    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

/// What kind of place a problem is tied to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Anchor {
    Road,
    Crossing,
    Community,
    Building,
    School,
    Market,
    Site,
    Village,
    Square,
}

/// A kind of problem: the categories citizens file it under, its place, and its wordings.
/// In the sentences `{p}` is the place, `{b}` the building, `{n}` a small number, `{d}` how long.
struct Topic {
    /// Whether each building has its own problem (a lift), not the whole community (heating).
    per_building: bool,
    categories: &'static [&'static str],
    anchor: Anchor,
    sentences: &'static [&'static str],
    details: &'static [&'static str],
}

const TOPICS: &[Topic] = &[
    Topic {
        per_building: false,
        categories: &["市政设施", "城市管理"],
        anchor: Anchor::Crossing,
        sentences: &[
            "{p}的路灯已经坏了{d}，晚上黑漆漆的一片",
            "{p}一到晚上路灯就不亮，走夜路很危险",
            "反映一下{p}路灯不亮的问题，有好几盏都灭了",
            "{p}那一段的路灯好久没亮过了，老人小孩晚上出门容易摔倒",
            "晚上经过{p}，一盏灯都没有，跟没装一样",
            "{p}路灯损坏无人维修，夜间照明严重不足",
            "{p}的街灯坏掉了，天黑以后啥也看不见",
        ],
        details: &[
            "上周有个骑电动车的在那里摔了",
            "附近有个菜市场，晚上人很多",
            "打过电话但一直没人来修",
            "差不多有{n}盏不亮",
            "灯杆上的灯罩也掉下来了",
        ],
    },
    Topic {
        per_building: false,
        categories: &["环境保护", "城市管理"],
        anchor: Anchor::Market,
        sentences: &[
            "{p}每天晚上吵到凌晨一两点，根本没法睡觉",
            "{p}的烧烤摊和音响声音太大了，严重扰民",
            "投诉{p}夜间噪音扰民，商贩大声叫卖放音乐到半夜",
            "住在{p}旁边，每晚喇叭声划拳声不断，孩子睡不着觉",
            "{p}营业到深夜，噪声很大，希望规定一下收摊时间",
            "{p}那边天天晚上闹哄哄的，音箱开得震天响",
        ],
        details: &[
            "还有油烟直接往楼上飘",
            "地上全是竹签和垃圾",
            "家里老人有心脏病受不了",
            "打过110但过几天又照旧",
            "窗户关上都能听见",
        ],
    },
    Topic {
        per_building: false,
        categories: &["市政设施", "住房保障"],
        anchor: Anchor::Community,
        sentences: &[
            "{p}的下水道堵了，污水都冒到路面上来了",
            "{p}楼下的排水管堵塞，臭味很大",
            "{p}下水不通，一下雨就积水，走路都要蹚水",
            "反映{p}窨井满溢的问题，污水横流",
            "{p}里面的污水井往外冒脏水，已经好几天了",
            "{p}的排水沟堵死了，物业说不归他们管",
        ],
        details: &[
            "一楼住户家里都返水了",
            "小孩上学要从污水里走过去",
            "苍蝇蚊子特别多",
            "找过社区，说要等市政来疏通",
        ],
    },
    Topic {
        per_building: false,
        categories: &["交通出行", "教育"],
        anchor: Anchor::School,
        sentences: &[
            "每天早上七点半到八点{p}门口堵得水泄不通",
            "{p}放学时间家长的车乱停，整条路都堵死了",
            "{p}附近接送孩子的车辆太多，交通秩序混乱",
            "建议在{p}门口安排交警疏导，上下学高峰太堵了",
            "{p}周边上下学时段拥堵严重，孩子过马路很危险",
            "{p}门前那条路一到放学就走不动，公交车都过不去",
        ],
        details: &[
            "还有电动车逆行",
            "希望能设个临时停车区",
            "上个月差点撞到一个学生",
            "保安也管不过来",
        ],
    },
    Topic {
        per_building: false,
        categories: &["住房保障", "民生保障"],
        anchor: Anchor::Building,
        sentences: &[
            "{p}{b}到现在还没来暖气，家里才十几度",
            "{p}供暖不达标，暖气片摸着是凉的",
            "已经过了供暖日期，{p}的暖气还是不热",
            "{p}{b}暖气时有时无，老人孩子冻得感冒了",
            "我家在{p}，交了取暖费暖气却不热，室温只有{n}度",
            "{p}集中供暖温度太低，找热力公司一直推脱",
        ],
        details: &[
            "晚上睡觉要穿棉袄",
            "家里有刚出生的婴儿",
            "同一单元好几户都这样",
            "热力公司来看过一次就没下文了",
        ],
    },
    Topic {
        per_building: true,
        categories: &["住房保障", "安全生产"],
        anchor: Anchor::Building,
        sentences: &[
            "{p}{b}的电梯又坏了，老人只能爬楼",
            "{p}{b}电梯经常停运，还困过人",
            "{p}{b}电梯故障频繁，物业一直拖着不修",
            "我住{p}{b}{n}楼，电梯坏了{d}，上下楼太难了",
            "{p}{b}的电梯运行时有异响，还晃，很不安全",
            "{p}{b}电梯停用好久了，说是在等配件",
        ],
        details: &[
            "楼里有好几个坐轮椅的老人",
            "上个月有人被困了四十分钟",
            "维保单位就来贴了张通知",
            "每月都交了电梯费",
        ],
    },
    Topic {
        per_building: false,
        categories: &["劳动保障"],
        anchor: Anchor::Site,
        sentences: &[
            "我们在{p}干活，老板拖欠工资{n}个月了",
            "{p}的包工头欠我们农民工工资不给",
            "讨薪：{p}拖欠工人工资，总共有几十个人",
            "在{p}做了大半年，工钱一直没结清",
            "{p}施工方拖欠劳务费，快过年了还不发",
            "{p}欠薪问题，找项目部一直推给分包",
        ],
        details: &[
            "家里孩子等着交学费",
            "我们有考勤记录和工友证明",
            "去劳动监察大队登记过",
            "老板电话打不通了",
        ],
    },
    Topic {
        per_building: false,
        categories: &["交通出行", "城市管理"],
        anchor: Anchor::Road,
        sentences: &[
            "{p}两边车辆乱停乱放，消防通道都堵了",
            "{p}人行道上停满了车，行人只能走机动车道",
            "{p}违章停车严重，早晚高峰根本过不去",
            "{p}路边有车长期占道停放，好久都不挪",
            "{p}的非机动车道被私家车占了，骑车很危险",
        ],
        details: &[
            "有辆车停了半年没动过",
            "晚上尤其严重",
            "救护车上次都开不进来",
            "希望多来贴贴罚单",
        ],
    },
    Topic {
        per_building: false,
        categories: &["环境保护", "城市管理"],
        anchor: Anchor::Community,
        sentences: &[
            "{p}的垃圾站臭气熏天，夏天更严重",
            "{p}门口的垃圾房堆满了没人清运，气味很大",
            "{p}的垃圾中转站离住户太近，天天闻臭味",
            "{p}垃圾桶满了好几天没人收，苍蝇蚊子很多",
            "{p}的垃圾点污水横流，味道刺鼻",
        ],
        details: &[
            "窗户都不敢开",
            "清运车每次都是半夜来，声音也大",
            "旁边就是儿童游乐场",
            "物业说是环卫的事",
        ],
    },
    Topic {
        per_building: false,
        categories: &["民生保障", "市政设施"],
        anchor: Anchor::Building,
        sentences: &[
            "{p}{b}经常停水，也不提前通知",
            "{p}又停水了，这个月已经第三次了",
            "{p}{b}停水{d}了，一点通知都没有",
            "{p}{b}白天基本没有自来水，只有半夜才来水",
            "{p}供水不正常，做饭洗澡都成问题",
        ],
        details: &[
            "问自来水公司说是管网改造",
            "家里老人只能下楼提水",
            "热水器都打不着火",
        ],
    },
    Topic {
        per_building: false,
        categories: &["民生保障", "环境保护"],
        anchor: Anchor::Community,
        sentences: &[
            "{p}的自来水发黄，还有一股怪味，不敢喝",
            "{p}水龙头放出来的水浑浊，有沉淀",
            "{p}自来水水质有问题，烧开后有白色漂浮物",
            "反映{p}饮用水有异味的情况",
        ],
        details: &[
            "家里小孩喝了拉肚子",
            "要放好几分钟才清",
            "二次供水的水箱很久没清洗了",
        ],
    },
    Topic {
        per_building: false,
        categories: &["市政设施", "交通出行"],
        anchor: Anchor::Road,
        sentences: &[
            "{p}路面坑坑洼洼，下雨天全是水坑",
            "{p}中间有个大坑，好几个骑车的摔倒了",
            "{p}道路破损严重，车开过去颠得厉害",
            "{p}路面塌陷了一块，很危险",
            "{p}的沥青路面裂开了，坑越来越大",
        ],
        details: &[
            "晚上根本看不见",
            "公交车经过溅人一身水",
            "临时填的沙子又被冲走了",
        ],
    },
    Topic {
        per_building: false,
        categories: &["市政设施", "安全生产"],
        anchor: Anchor::Crossing,
        sentences: &[
            "{p}的井盖不见了，只围了个纸箱子",
            "{p}有个窨井盖破了，车一压就响",
            "{p}井盖缺失，晚上很容易掉进去",
            "{p}的下水井盖松动翘起来了，有安全隐患",
        ],
        details: &["旁边就是小学", "已经有人崴了脚", "希望赶紧换个新的"],
    },
    Topic {
        per_building: false,
        categories: &["环境保护", "城乡建设"],
        anchor: Anchor::Site,
        sentences: &[
            "{p}半夜还在施工，打桩声吵得人睡不着",
            "{p}夜间违规施工，十一二点还有渣土车进出",
            "投诉{p}晚上施工噪音扰民",
            "{p}天天通宵干活，搅拌机响个不停",
            "{p}的工地晚上灯火通明地干，有夜间施工许可吗",
        ],
        details: &["孩子马上要中考了", "白天还扬尘很大", "给工地打电话没人理"],
    },
    Topic {
        per_building: false,
        categories: &["环境保护"],
        anchor: Anchor::Building,
        sentences: &[
            "{p}楼下饭店的油烟直排，熏得家里全是味",
            "{p}底商餐馆没有装油烟净化器，油烟往楼上窜",
            "{p}{b}一楼的烧烤店排烟管正对着住户窗户",
            "{p}楼下的饭馆油烟太大了，衣服都不敢晾",
        ],
        details: &["夏天窗户都不敢开", "排风机噪音也大", "跟老板说过没用"],
    },
    Topic {
        per_building: false,
        categories: &["环境保护", "文化体育"],
        anchor: Anchor::Square,
        sentences: &[
            "{p}的广场舞音响声音太大了，每天晚上吵到十点",
            "{p}跳广场舞的音乐震耳欲聋，影响周边居民休息",
            "投诉{p}广场舞噪音，早上六点就开始放",
            "{p}晚上跳舞的音箱开得太响了，能不能管管",
        ],
        details: &["好几个队伍比着放", "孩子没法写作业", "说了还跟我们吵"],
    },
    Topic {
        per_building: false,
        categories: &["城市管理", "卫生健康"],
        anchor: Anchor::Community,
        sentences: &[
            "{p}里流浪狗越来越多，晚上成群结队",
            "{p}有几条野狗追咬行人，孩子都不敢出门",
            "{p}流浪犬伤人了，希望尽快处置",
            "{p}附近好多无主的狗，到处大小便还咬人",
        ],
        details: &["上周有个老人被咬去打了疫苗", "有人一直在喂", "晚上叫个不停"],
    },
    Topic {
        per_building: false,
        categories: &["交通出行"],
        anchor: Anchor::Community,
        sentences: &[
            "{p}到市区的公交车太少了，等一趟要四十分钟",
            "希望给{p}增开一条公交线路",
            "{p}附近的公交站撤了，居民出行很不方便",
            "{p}早高峰公交车挤不上去，班次太少",
        ],
        details: &["住的大多是老人", "上班只能打车", "末班车也太早了"],
    },
    Topic {
        per_building: false,
        categories: &["住房保障"],
        anchor: Anchor::Building,
        sentences: &[
            "{p}{b}顶楼漏水，一下雨家里就成水帘洞",
            "{p}{b}屋顶防水坏了，墙面都发霉了",
            "{p}的房子才交付两年就漏水，开发商不管",
            "我家在{p}{b}顶层，楼顶渗水{d}了",
        ],
        details: &[
            "维修基金申请不下来",
            "墙皮大块往下掉",
            "物业说要全体业主签字",
        ],
    },
    Topic {
        per_building: false,
        categories: &["住房保障", "市场监管"],
        anchor: Anchor::Community,
        sentences: &[
            "{p}物业乱收费，停车费一年涨了两次",
            "{p}的物业今年一声不吭把物业费和停车费都涨了",
            "{p}物业收费不合理，停车管理费说涨就涨",
            "投诉{p}物业公司擅自提高收费标准，没开过业主大会",
        ],
        details: &[
            "业委会也成立不起来",
            "保安晚上都不在岗",
            "要求查看账目被拒绝",
        ],
    },
    Topic {
        per_building: false,
        categories: &["城市管理", "市政设施"],
        anchor: Anchor::Road,
        sentences: &[
            "{p}的行道树树枝太长，把路灯和红绿灯都挡住了",
            "{p}的行道树该修剪了，树枝都伸到马路中间了",
            "{p}的树枝挂到电线上了，很危险",
            "{p}两边的树很久没修剪，挡住了商铺和路牌",
        ],
        details: &["前两天刮风断了一根大枝", "下面停了很多车", "旁边是公交站"],
    },
    Topic {
        per_building: false,
        categories: &["环境保护", "农业农村"],
        anchor: Anchor::Village,
        sentences: &[
            "有人往{p}的河里排污水，河水发黑发臭",
            "{p}旁边的小河被排污，鱼都死了",
            "{p}旁边的河沟有人偷排污水，味道很大",
            "举报{p}附近河道污染，水面漂着白沫",
        ],
        details: &[
            "下游就是取水口",
            "村民去反映过好几次",
            "晚上十点以后排得最多",
        ],
    },
    Topic {
        per_building: false,
        categories: &["农业农村", "交通出行"],
        anchor: Anchor::Village,
        sentences: &[
            "{p}的村道坏得不成样子，下雨天车都开不进去",
            "{p}进村的水泥路断了一截，一直没修",
            "{p}通组公路破损严重，孩子上学要绕很远",
            "{p}的路被拉砂石的大车压坏了",
        ],
        details: &["村里老人看病都难", "农产品运不出去", "报给镇上好几次了"],
    },
    Topic {
        per_building: false,
        categories: &["农业农村", "水利"],
        anchor: Anchor::Village,
        sentences: &[
            "{p}的灌溉水渠堵了，田里放不进水",
            "{p}水渠年久失修，漏水严重，庄稼快旱死了",
            "{p}的提灌站坏了，今年插秧都成问题",
            "希望帮{p}清理一下沟渠，排灌不畅",
        ],
        details: &["马上就要栽秧了", "几十亩地受影响", "村里说没钱修"],
    },
    Topic {
        per_building: false,
        categories: &["城市管理", "市场监管"],
        anchor: Anchor::Road,
        sentences: &[
            "{p}人行道被水果摊菜摊占满了，行人没处走",
            "{p}商铺占道经营，东西都摆到马路上了",
            "{p}有人在人行道上摆摊卖菜，早上特别乱",
            "{p}的店门口长期占道堆货，城管来了就收走了就又摆",
        ],
        details: &["地上污水烂菜叶子", "早上七点到九点最严重", "盲道都被占了"],
    },
    Topic {
        per_building: false,
        categories: &["交通出行", "市政设施"],
        anchor: Anchor::Crossing,
        sentences: &[
            "{p}的红绿灯坏了，车和人都乱穿",
            "{p}信号灯一直黄闪，路口很乱",
            "{p}的人行横道信号灯时间太短，老人走不过去",
            "{p}红绿灯不亮了，差点出事故",
        ],
        details: &["早晚高峰特别危险", "已经发生过剐蹭", "附近有学校"],
    },
    Topic {
        per_building: false,
        categories: &["文化体育", "市政设施"],
        anchor: Anchor::Community,
        sentences: &[
            "{p}的健身器材坏了好多，螺丝都松了",
            "{p}小广场的健身器材生锈断裂，小孩玩很危险",
            "{p}的运动器械破损没人修",
        ],
        details: &["有个老人的手被夹了", "器材上都没有维保电话"],
    },
    Topic {
        per_building: false,
        categories: &["安全生产", "住房保障"],
        anchor: Anchor::Building,
        sentences: &[
            "{p}{b}有人把电动车推进楼道充电，很危险",
            "{p}{b}楼道里飞线充电，电线从窗户拉下来",
            "{p}的电动车充电桩太少，大家只好在楼道里充",
            "举报{p}{b}楼道停放电动车充电的消防隐患",
        ],
        details: &["消防通道也被堵了", "前段时间别的小区就着过火", "说了也不听"],
    },
];

const OPENINGS: &[&str] = &[
    "",
    "",
    "",
    "你好，",
    "您好！",
    "我要投诉，",
    "反映个问题：",
    "领导好，",
    "我想反映一个情况，",
    "市民来电反映：",
    "来电人反映，",
    "诉求人称：",
    "网友留言：",
];

const CLOSINGS: &[&str] = &[
    "",
    "",
    "",
    "。希望有关部门尽快解决！",
    "，请尽快处理，谢谢。",
    "。盼复。",
    "，希望相关部门重视一下。",
    "，已经反映过多次了，没人管。",
    "，麻烦尽快派人来看看。",
    "。请相关部门核实处理。",
    "，谢谢！🙏",
    "，太气人了😡",
    "。来电人要求尽快处理并回复。",
    "！！！",
];

const DURATIONS: &[&str] = &[
    "快一个月了",
    "两个多星期",
    "十来天",
    "好几个月",
    "半个多月",
    "一个礼拜",
];

/// (county, townships) the appeals are filed in: the demo city's names.
const PLACES: &[(&str, &[&str])] = &[
    ("青峰区", &["青峰街道", "南门街道", "望江街道", "柳营街道"]),
    ("明湖区", &["明湖街道", "湖滨街道", "金桥街道", "新城街道"]),
    ("云溪县", &["云溪镇", "双河乡", "龙潭镇"]),
    ("松岭县", &["松岭镇", "清水镇", "高峰乡"]),
    ("白河县", &["白河镇", "长滩镇"]),
    ("枫林区", &["枫林街道", "城北街道", "古城镇"]),
];

const ROADS: &[&str] = &[
    "建设路",
    "人民路",
    "解放路",
    "中山路",
    "滨江大道",
    "东风路",
    "朝阳路",
    "文化路",
    "迎宾大道",
    "青年路",
    "团结路",
    "和平路",
    "胜利街",
    "工业路",
    "长江路",
    "新华路",
    "光明路",
    "友谊路",
    "育才路",
    "环城北路",
    "站前路",
    "桃源路",
    "学府路",
    "五一路",
    "翠屏街",
];

const COMMUNITY_NAMES: &[&str] = &[
    "幸福里",
    "阳光",
    "金色",
    "锦绣",
    "翠湖",
    "东城",
    "丽景",
    "和平里",
    "紫荆",
    "梧桐",
    "春晖",
    "怡和",
    "桂苑",
    "福泽",
    "江南",
    "清华",
    "银杏",
    "龙湾",
    "水岸",
    "盛世",
    "碧桂",
    "康乐",
    "红星",
    "凤凰",
    "南苑",
    "长虹",
    "书香",
    "滨河",
    "嘉禾",
    "绿城",
];

const COMMUNITY_SUFFIXES: &[&str] = &["小区", "花园", "家园", "新村", "苑"];

const SCHOOLS: &[&str] = &[
    "实验小学",
    "第一小学",
    "第二中学",
    "育才小学",
    "城关中学",
    "阳光幼儿园",
    "新城小学",
    "明德小学",
    "第三中学",
    "机关幼儿园",
];

const MARKETS: &[&str] = &[
    "东关夜市",
    "步行街夜市",
    "河滨夜市",
    "老街美食城",
    "滨江小吃街",
    "火车站夜市",
    "大润发旁边的夜市",
    "南门烧烤一条街",
];

const SITES: &[&str] = &[
    "滨江花园三期",
    "人民医院新院区",
    "锦绣华府",
    "城北安置房",
    "体育中心",
    "高铁站片区改造",
    "万达广场二期",
    "污水处理厂扩建",
];

const VILLAGES: &[&str] = &[
    "石桥村",
    "青溪村",
    "柳树湾村",
    "大塘村",
    "王家庄",
    "李家坝",
    "红旗村",
    "桂花村",
    "下河村",
    "杨柳村",
    "黄泥岗村",
    "三岔村",
];

const SQUARES: &[&str] = &[
    "人民广场",
    "滨河公园",
    "文化广场",
    "体育公园",
    "湖滨公园",
    "中心广场",
];

/// Common misspellings by pinyin input (right, wrong).
const TYPOS: &[(&str, &str)] = &[
    ("垃圾", "拉圾"),
    ("噪音", "燥音"),
    ("反映", "反应"),
    ("路灯", "路等"),
    ("暖气", "暖器"),
    ("小区", "小曲"),
    ("工资", "工次"),
    ("电梯", "电题"),
    ("停车", "听车"),
    ("严重", "言重"),
];

const CN_DIGITS: &[&str] = &[
    "零", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十",
];

/// One problem: its label, kind, township and the concrete place.
#[derive(Debug, Clone)]
struct Problem {
    topic: usize,
    county: usize,
    township: usize,
    /// Index into the anchor's bank (and a second one for crossings and communities).
    entity: (usize, usize),
    building: usize,
    number: usize,
}

/// `count` appeals from `seed`, in filing order, ids from 1.
pub fn generate(seed: u64, count: usize) -> Vec<SampleAppeal> {
    let mut rng = Rng::new(seed);
    let mut problems: Vec<Problem> = Vec::new();
    let mut sizes: Vec<usize> = Vec::new();
    let mut total = 0;
    while total < count {
        let p = new_problem(&mut rng, &problems);
        let size = match rng.below(100) {
            0..=24 => 1,
            25..=49 => 2 + rng.below(2),
            50..=79 => 4 + rng.below(5),
            _ => 9 + rng.below(14),
        }
        .min(count - total);
        // A problem already generated (same kind, place and building) is the same problem.
        match problems.iter().position(|q| same_problem(q, &p)) {
            Some(i) => sizes[i] += size,
            None => {
                problems.push(p);
                sizes.push(size);
            }
        }
        total += size;
    }
    // Interleave: each appeal is one (problem, citizen) slot, shuffled into filing order.
    let mut slots: Vec<usize> = sizes
        .iter()
        .enumerate()
        .flat_map(|(i, &n)| std::iter::repeat_n(i, n))
        .collect();
    for i in (1..slots.len()).rev() {
        let j = rng.below(i + 1);
        slots.swap(i, j);
    }
    slots
        .into_iter()
        .enumerate()
        .map(|(k, label)| {
            let p = &problems[label];
            let topic = &TOPICS[p.topic];
            let (county, townships) = PLACES[p.county];
            let place = if rng.chance(0.08) {
                county.to_string()
            } else {
                format!("{county}/{}", townships[p.township])
            };
            SampleAppeal {
                id: k as u32 + 1,
                label: label as u32 + 1,
                place,
                category: rng.word(topic.categories),
                text: write_appeal(&mut rng, p),
            }
        })
        .collect()
}

fn same_problem(a: &Problem, b: &Problem) -> bool {
    let building = TOPICS[a.topic].per_building;
    a.topic == b.topic
        && a.county == b.county
        && a.township == b.township
        && a.entity == b.entity
        && (!building || a.building == b.building)
}

fn new_problem(rng: &mut Rng, existing: &[Problem]) -> Problem {
    // Shared vocabulary on purpose: another problem at a place already complained about, or the
    // same kind of problem in a neighbouring place of the same township.
    if !existing.is_empty() && rng.chance(0.3) {
        let base = existing[rng.below(existing.len())].clone();
        let anchor = TOPICS[base.topic].anchor;
        let same_place: Vec<usize> = (0..TOPICS.len())
            .filter(|&t| t != base.topic && compatible(TOPICS[t].anchor, anchor))
            .collect();
        if rng.chance(0.5) && !same_place.is_empty() {
            return Problem {
                topic: *rng.pick(&same_place),
                building: 1 + rng.below(12),
                number: 2 + rng.below(9),
                ..base
            }
            .bounded();
        }
        let mut entity = base.entity;
        entity.0 = (entity.0 + 1 + rng.below(3)) % bank_len(anchor);
        return Problem {
            entity,
            building: 1 + rng.below(12),
            number: 2 + rng.below(9),
            ..base
        }
        .bounded();
    }
    let county = rng.below(PLACES.len());
    Problem {
        topic: rng.below(TOPICS.len()),
        county,
        township: rng.below(PLACES[county].1.len()),
        entity: (rng.below(64), rng.below(64)),
        building: 1 + rng.below(12),
        number: 2 + rng.below(9),
    }
    .bounded()
}

impl Problem {
    fn bounded(mut self) -> Self {
        let n = bank_len(TOPICS[self.topic].anchor);
        self.entity.0 %= n;
        // Only a crossing has a second name; a community's suffix goes with its name.
        self.entity.1 = match TOPICS[self.topic].anchor {
            Anchor::Crossing => self.entity.1 % ROADS.len(),
            _ => 0,
        };
        if self.entity.1 == self.entity.0 && TOPICS[self.topic].anchor == Anchor::Crossing {
            self.entity.1 = (self.entity.1 + 1) % ROADS.len();
        }
        self
    }
}

/// Anchors that name the same sort of place, so one place can carry both kinds of problem.
fn compatible(a: Anchor, b: Anchor) -> bool {
    use Anchor::*;
    let group = |x| match x {
        Road | Crossing => 0,
        Community | Building => 1,
        other => 2 + other as u8,
    };
    group(a) == group(b)
}

fn bank_len(anchor: Anchor) -> usize {
    match anchor {
        Anchor::Road | Anchor::Crossing => ROADS.len(),
        Anchor::Community | Anchor::Building => COMMUNITY_NAMES.len(),
        Anchor::School => SCHOOLS.len(),
        Anchor::Market => MARKETS.len(),
        Anchor::Site => SITES.len(),
        Anchor::Village => VILLAGES.len(),
        Anchor::Square => SQUARES.len(),
    }
}

/// The first two characters of a township's name, as people say it (青峰街道 → 青峰).
fn short(name: &str) -> String {
    name.chars().take(2).collect()
}

fn cn_number(n: usize) -> String {
    match n {
        0..=10 => CN_DIGITS[n].to_string(),
        11..=19 => format!("十{}", CN_DIGITS[n - 10]),
        _ => n.to_string(),
    }
}

/// One citizen's name for the problem's place.
fn place_name(rng: &mut Rng, p: &Problem) -> String {
    let anchor = TOPICS[p.topic].anchor;
    let township = PLACES[p.county].1[p.township];
    let (a, b) = p.entity;
    let with_township = rng.chance(0.2);
    let prefix = if with_township { township } else { "" };
    let name = match anchor {
        Anchor::Road => {
            let road = ROADS[a];
            match rng.below(4) {
                0 => road.to_string(),
                1 => format!("{road}上"),
                2 => format!("{road}这条路"),
                _ => format!("{road}{}段", short(township)),
            }
        }
        Anchor::Crossing => {
            let (x, y) = (ROADS[a], ROADS[b % ROADS.len()]);
            match rng.below(5) {
                0 => format!("{x}与{y}交叉口"),
                1 => format!("{x}和{y}路口"),
                2 => format!("{y}、{x}交汇处"),
                3 => format!("{x}靠近{y}那一段"),
                _ => format!("{y}{x}十字路口"),
            }
        }
        Anchor::Community | Anchor::Building => {
            let base = COMMUNITY_NAMES[a];
            let suffix = COMMUNITY_SUFFIXES[a % COMMUNITY_SUFFIXES.len()];
            match rng.below(5) {
                0 | 1 => format!("{base}{suffix}"),
                2 => format!("{base}{suffix}小区").replace("小区小区", "小区"),
                3 => base.to_string(),
                _ => format!("我们{base}{suffix}"),
            }
        }
        Anchor::School => {
            let s = SCHOOLS[a];
            match rng.below(3) {
                0 => s.to_string(),
                1 => format!("{}{s}", short(township)),
                _ => format!("{s}那边"),
            }
        }
        Anchor::Market => {
            let m = MARKETS[a];
            if rng.chance(0.3) {
                format!("{m}那一片")
            } else {
                m.to_string()
            }
        }
        Anchor::Site => {
            let s = SITES[a];
            match rng.below(3) {
                0 => format!("{s}工地"),
                1 => format!("{s}项目"),
                _ => format!("{s}项目工地"),
            }
        }
        Anchor::Village => {
            let v = VILLAGES[a];
            if rng.chance(0.4) {
                format!("{v}{}组", cn_number(1 + a % 8))
            } else {
                v.to_string()
            }
        }
        Anchor::Square => {
            let s = SQUARES[a];
            if rng.chance(0.3) {
                format!("{s}东边")
            } else {
                s.to_string()
            }
        }
    };
    format!("{prefix}{name}")
}

fn building_name(rng: &mut Rng, n: usize) -> String {
    match rng.below(6) {
        0 | 1 => format!("{n}号楼"),
        2 => format!("{n}栋"),
        3 => format!("{}号楼", cn_number(n)),
        4 => format!("{n}幢"),
        _ => format!("{}栋", full_width_digits(&n.to_string())),
    }
}

fn full_width_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '0'..='9' => char::from_u32(c as u32 - '0' as u32 + 0xFF10).unwrap_or(c),
            other => other,
        })
        .collect()
}

fn fill(rng: &mut Rng, template: &str, p: &Problem, place: &str) -> String {
    let mut out = template.replace("{p}", place);
    if out.contains("{b}") {
        // The building is the problem's own when it has one, else where this citizen lives.
        let n = if TOPICS[p.topic].per_building {
            p.building
        } else {
            1 + rng.below(12)
        };
        let b = building_name(rng, n);
        out = out.replace("{b}", &b);
    }
    if out.contains("{d}") {
        out = out.replace("{d}", rng.word(DURATIONS));
    }
    out.replace("{n}", &cn_or_digits(rng, p.number))
}

fn cn_or_digits(rng: &mut Rng, n: usize) -> String {
    if rng.chance(0.5) {
        n.to_string()
    } else {
        cn_number(n)
    }
}

/// One citizen's text about problem `p`.
fn write_appeal(rng: &mut Rng, p: &Problem) -> String {
    let topic = &TOPICS[p.topic];
    let place = place_name(rng, p);
    let mut text = String::new();
    let opening = *rng.pick(OPENINGS);
    text.push_str(opening);
    if opening.is_empty() && rng.chance(0.2) {
        let township = PLACES[p.county].1[p.township];
        let _ = write!(text, "我是{township}的居民，");
    }
    let sentence = *rng.pick(topic.sentences);
    // Some citizens lead with a detail, most with the problem.
    let details = rng.below(3);
    let mut parts = vec![fill(rng, sentence, p, &place)];
    for _ in 0..details {
        let detail = *rng.pick(topic.details);
        let d = fill(rng, detail, p, &place);
        if !parts.contains(&d) {
            parts.push(d);
        }
    }
    if parts.len() > 1 && rng.chance(0.25) {
        parts.swap(0, 1);
    }
    text.push_str(&parts.join(if rng.chance(0.5) { "，" } else { "。" }));
    let closing = *rng.pick(CLOSINGS);
    if closing.is_empty() {
        text.push('。');
    } else {
        text.push_str(closing);
    }
    if rng.chance(0.06) {
        let (right, wrong) = *rng.pick(TYPOS);
        text = text.replacen(right, wrong, 1);
    }
    if rng.chance(0.04) {
        text = super::normalize::to_traditional(&text);
    }
    if rng.chance(0.05) {
        text = text.replace('，', ", ").replace('。', ". ");
    }
    text
}

/// The appeals as TSV: `id label place category text`, one line each, with a header.
pub fn to_tsv(appeals: &[SampleAppeal]) -> String {
    let mut out = String::from("id\tlabel\tplace\tcategory\ttext\n");
    for a in appeals {
        let _ = writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}",
            a.id, a.label, a.place, a.category, a.text
        );
    }
    out
}
