//! Normalisation of an appeal's text before it is compared: one spelling for what citizens
//! write in many (full-width and half-width, traditional and simplified, 三号楼 and 3号楼), the
//! complaint boilerplate every appeal shares left out, and the text cut into runs of letters,
//! digits and Chinese characters at punctuation, spaces and emoji.

use std::collections::HashMap;
use std::sync::OnceLock;

/// (simplified, traditional) pairs of the common characters of complaints. Not a full
/// conversion table: enough that a traditional-script appeal about a street lamp, a lift or a
/// district reads like its simplified twin.
const TRADITIONAL: &[(char, char)] = &[
    ('灯', '燈'),
    ('区', '區'),
    ('楼', '樓'),
    ('坏', '壞'),
    ('电', '電'),
    ('车', '車'),
    ('门', '門'),
    ('没', '沒'),
    ('响', '響'),
    ('气', '氣'),
    ('热', '熱'),
    ('发', '發'),
    ('难', '難'),
    ('头', '頭'),
    ('铺', '鋪'),
    ('经', '經'),
    ('费', '費'),
    ('维', '維'),
    ('问', '問'),
    ('题', '題'),
    ('处', '處'),
    ('环', '環'),
    ('卫', '衛'),
    ('无', '無'),
    ('厂', '廠'),
    ('间', '間'),
    ('积', '積'),
    ('养', '養'),
    ('场', '場'),
    ('树', '樹'),
    ('过', '過'),
    ('这', '這'),
    ('边', '邊'),
    ('进', '進'),
    ('还', '還'),
    ('时', '時'),
    ('来', '來'),
    ('为', '為'),
    ('们', '們'),
    ('个', '個'),
    ('乱', '亂'),
    ('声', '聲'),
    ('东', '東'),
    ('长', '長'),
    ('马', '馬'),
    ('让', '讓'),
    ('说', '說'),
    ('话', '話'),
    ('压', '壓'),
    ('饭', '飯'),
    ('馆', '館'),
    ('烟', '煙'),
    ('户', '戶'),
    ('业', '業'),
    ('务', '務'),
    ('贴', '貼'),
    ('罚', '罰'),
    ('单', '單'),
    ('阳', '陽'),
    ('园', '園'),
    ('华', '華'),
    ('龙', '龍'),
    ('湾', '灣'),
    ('桥', '橋'),
    ('滨', '濱'),
    ('儿', '兒'),
    ('学', '學'),
    ('资', '資'),
    ('筑', '築'),
    ('严', '嚴'),
    ('孙', '孫'),
    ('险', '險'),
    ('污', '汙'),
    ('脏', '髒'),
    ('报', '報'),
    ('举', '舉'),
    ('关', '關'),
    ('给', '給'),
    ('钱', '錢'),
    ('结', '結'),
    ('运', '運'),
    ('输', '輸'),
    ('线', '線'),
    ('绿', '綠'),
    ('红', '紅'),
    ('号', '號'),
    ('栋', '棟'),
    ('层', '層'),
    ('顶', '頂'),
    ('墙', '牆'),
    ('霉', '黴'),
    ('伤', '傷'),
    ('设', '設'),
    ('备', '備'),
    ('扰', '擾'),
    ('觉', '覺'),
    ('请', '請'),
    ('谢', '謝'),
    ('复', '復'),
    ('尽', '盡'),
    ('决', '決'),
    ('级', '級'),
    ('应', '應'),
    ('该', '該'),
    ('广', '廣'),
    ('动', '動'),
    ('驾', '駕'),
    ('驶', '駛'),
    ('违', '違'),
    ('规', '規'),
    ('导', '導'),
    ('镇', '鎮'),
    ('乡', '鄉'),
    ('县', '縣'),
    ('组', '組'),
    ('沟', '溝'),
    ('庄', '莊'),
    ('饮', '飲'),
    ('浊', '濁'),
    ('淀', '澱'),
    ('异', '異'),
    ('烧', '燒'),
    ('摊', '攤'),
    ('贩', '販'),
    ('卖', '賣'),
    ('买', '買'),
    ('划', '劃'),
    ('着', '著'),
    ('营', '營'),
    ('闹', '鬧'),
    ('开', '開'),
    ('满', '滿'),
    ('横', '橫'),
    ('萨', '薩'),
    ('挡', '擋'),
    ('摆', '擺'),
    ('货', '貨'),
    ('体', '體'),
    ('谁', '誰'),
    ('点', '點'),
    ('钟', '鐘'),
    ('凉', '涼'),
    ('达', '達'),
    ('标', '標'),
    ('温', '溫'),
    ('冻', '凍'),
    ('困', '睏'),
    ('频', '頻'),
    ('农', '農'),
    ('劳', '勞'),
    ('项', '項'),
    ('苍', '蒼'),
    ('蝇', '蠅'),
    ('轮', '輪'),
    ('刚', '剛'),
    ('护', '護'),
    ('乐', '樂'),
    ('戏', '戲'),
];

/// The table by traditional character, for lookups in one step.
fn to_simplified() -> &'static HashMap<char, char> {
    static TABLE: OnceLock<HashMap<char, char>> = OnceLock::new();
    TABLE.get_or_init(|| TRADITIONAL.iter().map(|&(s, t)| (t, s)).collect())
}

/// The simplified form of `c` when the table knows it.
fn simplified(c: char) -> char {
    if c.is_ascii() {
        return c;
    }
    to_simplified().get(&c).copied().unwrap_or(c)
}

/// `text` in traditional characters as far as the table goes (for test data).
pub fn to_traditional(text: &str) -> String {
    text.chars()
        .map(|c| {
            TRADITIONAL
                .iter()
                .find(|&&(s, _)| s == c)
                .map_or(c, |&(_, t)| t)
        })
        .collect()
}

/// Phrases every kind of complaint shares (greetings, 12345 operators' formulas, pleas for
/// action, thanks). They say nothing about which problem an appeal is about.
const BOILERPLATE: &[&str] = &[
    "希望有关部门尽快解决",
    "希望相关部门重视一下",
    "希望相关部门",
    "希望有关部门",
    "请相关部门核实处理",
    "请有关部门",
    "请尽快处理",
    "尽快处理",
    "尽快解决",
    "来电人要求",
    "并回复",
    "市民来电反映",
    "来电人反映",
    "来电反映",
    "诉求人称",
    "诉求人反映",
    "网友留言",
    "我要投诉",
    "我想反映一个情况",
    "反映个问题",
    "反映一下",
    "领导好",
    "你好",
    "您好",
    "谢谢",
    "盼复",
    "已经反映过多次了",
    "反映过多次",
    "没人管",
    "麻烦尽快派人来看看",
    "太气人了",
    "的居民",
    "我是",
];

const CN_NUMERALS: &str = "零一二两三四五六七八九十";

/// Units after which a Chinese numeral is a number that names something (3号楼, 5栋, 2组).
const NUMBERED: &str = "号栋幢楼单组期层";

/// Long digit runs (phone, order and ID numbers) say nothing about the problem.
const MAX_DIGITS: usize = 6;

/// `text` normalised into runs of comparable characters (lower-case ASCII letters, digits and
/// CJK characters in simplified form); punctuation, spaces, symbols, emoji and boilerplate
/// phrases end a run. Empty when nothing comparable is left.
pub fn normalize(text: &str) -> Vec<String> {
    // 1. One spelling per character.
    let chars: Vec<char> = text
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0)
                .unwrap_or(c)
                .to_ascii_lowercase(),
            '\u{3000}' => ' ',
            c if c.is_ascii_uppercase() => c.to_ascii_lowercase(),
            c => simplified(c),
        })
        .collect();
    // 2. Chinese numerals before a counted unit become digits: 三号楼 → 3号楼.
    let chars = numerals_to_digits(&chars);
    // 3. Boilerplate phrases become breaks.
    let mut s: String = chars.into_iter().collect();
    for phrase in BOILERPLATE {
        if s.contains(phrase) {
            s = s.replace(phrase, " ");
        }
    }
    // 4. Runs of comparable characters; long numbers dropped.
    let mut runs = Vec::new();
    let mut run = String::new();
    let mut digits = String::new();
    let flush_digits = |run: &mut String, digits: &mut String| {
        if digits.chars().count() <= MAX_DIGITS {
            run.push_str(digits);
        }
        digits.clear();
    };
    for c in s.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else if c.is_alphanumeric() {
            flush_digits(&mut run, &mut digits);
            run.push(c);
        } else {
            flush_digits(&mut run, &mut digits);
            if !run.is_empty() {
                runs.push(std::mem::take(&mut run));
            }
        }
    }
    flush_digits(&mut run, &mut digits);
    if !run.is_empty() {
        runs.push(run);
    }
    runs
}

fn numerals_to_digits(chars: &[char]) -> Vec<char> {
    let mut out = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let start = i;
        while i < chars.len() && CN_NUMERALS.contains(chars[i]) {
            i += 1;
        }
        if i > start {
            let value = if i < chars.len() && NUMBERED.contains(chars[i]) {
                numeral_value(&chars[start..i])
            } else {
                None
            };
            match value {
                Some(v) => out.extend(v.to_string().chars()),
                None => out.extend_from_slice(&chars[start..i]),
            }
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// The value of a Chinese numeral up to 99 (三, 十二, 二十, 二十三, 两), or `None`.
fn numeral_value(cs: &[char]) -> Option<u32> {
    let digit = |c: char| -> Option<u32> {
        "零一二三四五六七八九"
            .chars()
            .position(|d| d == c)
            .map(|p| p as u32)
            .or((c == '两').then_some(2))
    };
    match cs {
        [c] if *c == '十' => Some(10),
        [c] => digit(*c),
        ['十', u] => Some(10 + digit(*u)?),
        [t, '十'] => Some(digit(*t)? * 10),
        [t, '十', u] => Some(digit(*t)? * 10 + digit(*u)?),
        _ => None,
    }
}

/// Endings of place names, longest first, with the class they name (街道 before 街: a street
/// office is not a street).
const PLACE_ENDINGS: &[(&str, u8)] = &[
    ("项目工地", 5),
    ("幼儿园", 4),
    ("美食城", 6),
    ("小吃街", 6),
    ("街道", 9),
    ("小区", 2),
    ("花园", 2),
    ("家园", 2),
    ("新村", 2),
    ("社区", 2),
    ("小学", 4),
    ("中学", 4),
    ("学校", 4),
    ("夜市", 6),
    ("市场", 6),
    ("工地", 5),
    ("项目", 5),
    ("广场", 7),
    ("公园", 7),
    ("大道", 1),
    ("苑", 2),
    ("路", 1),
    ("街", 1),
    ("村", 3),
    ("庄", 3),
    ("坝", 3),
    ("屯", 3),
    ("寨", 3),
    ("镇", 9),
    ("乡", 9),
];

/// The class of endings that name a township or street office (街道, 镇, 乡): the appeal's
/// filed place says that already, so they only mark characters as a place's.
pub const ADMIN: u8 = 9;

/// Characters that do not begin or end a place name's last two characters (我们, 到, 这 …).
const NOT_IN_NAMES: &str = "的了在是我们到把被从给很都要就也还又这那个有上下说";

/// The concrete places `runs` name, as the two characters before each place-name ending
/// with the ending's class (幸福里小区 → 福里, 建设路 → 建设, 盛世苑 → 盛世; 湖滨街道 → 湖滨 as
/// [`ADMIN`]). An appeal that names places is about another problem than an appeal that
/// mentions none of them.
pub fn place_anchors(runs: &[String]) -> Vec<([char; 2], u8)> {
    static ENDINGS: OnceLock<Vec<(Vec<char>, u8)>> = OnceLock::new();
    let endings = ENDINGS.get_or_init(|| {
        PLACE_ENDINGS
            .iter()
            .map(|&(e, class)| (e.chars().collect(), class))
            .collect()
    });
    let mut out = Vec::new();
    for run in runs {
        let cs: Vec<char> = run.chars().collect();
        let mut i = 0;
        while i < cs.len() {
            let found = endings.iter().find(|(e, _)| cs[i..].starts_with(e));
            match found {
                Some((ending, class)) => {
                    let class = *class;
                    if i >= 2 {
                        let (a, b) = (cs[i - 2], cs[i - 1]);
                        let named = |c: char| !NOT_IN_NAMES.contains(c) && !c.is_ascii_digit();
                        if named(a) && named(b) {
                            out.push(([a, b], class));
                        }
                    }
                    i += ending.len();
                }
                None => i += 1,
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Concepts of everyday complaints and the words citizens use for them (a small thesaurus of
/// the 12345 hotline's vocabulary): two appeals that say 噪音 and 吵得睡不着 speak of one thing.
const CONCEPTS: &[(&str, &[&str])] = &[
    (
        "noise",
        &[
            "噪音",
            "噪声",
            "吵",
            "扰民",
            "闹哄哄",
            "震天响",
            "声音太大",
            "睡不着",
            "响个不停",
            "划拳声",
            "喇叭声",
            "震耳欲聋",
        ],
    ),
    (
        "light",
        &[
            "路灯",
            "街灯",
            "灯不亮",
            "一盏灯",
            "盏",
            "照明",
            "黑漆漆",
            "看不见",
        ],
    ),
    (
        "drain",
        &[
            "下水",
            "排水",
            "污水井",
            "窨井",
            "化粪池",
            "返水",
            "冒脏水",
            "积水",
            "疏通",
        ],
    ),
    (
        "heating",
        &["暖气", "供暖", "取暖", "热力", "室温", "十几度", "冻"],
    ),
    ("lift", &["电梯", "困人", "被困", "爬楼", "维保"]),
    (
        "wages",
        &[
            "工资",
            "欠薪",
            "讨薪",
            "工钱",
            "劳务费",
            "包工头",
            "农民工",
            "结清",
        ],
    ),
    (
        "parking",
        &[
            "停车",
            "乱停",
            "停放",
            "停满",
            "占道停",
            "私家车",
            "罚单",
            "消防通道",
        ],
    ),
    (
        "garbage",
        &["垃圾", "清运", "臭", "苍蝇", "中转站", "垃圾房"],
    ),
    (
        "water",
        &["停水", "没水", "来水", "供水", "水压", "提水", "自来水"],
    ),
    (
        "quality",
        &["水质", "发黄", "浑浊", "沉淀", "异味", "漂浮物", "拉肚子"],
    ),
    (
        "road",
        &[
            "坑",
            "塌陷",
            "破损",
            "裂开",
            "颠",
            "路面",
            "沥青",
            "村道",
            "水泥路",
            "公路",
            "压坏",
        ],
    ),
    ("cover", &["井盖", "窨井盖"]),
    (
        "build",
        // Not 工地: it ends a site's name, whatever the site's problem is.
        &["施工", "打桩", "渣土车", "搅拌机", "通宵"],
    ),
    (
        "fumes",
        &["油烟", "排烟", "烧烤店", "饭店", "餐馆", "饭馆", "熏"],
    ),
    ("dance", &["广场舞", "跳舞", "音箱", "音响"]),
    ("dogs", &["狗", "犬", "咬"]),
    ("bus", &["公交", "班次", "末班车", "线路"]),
    (
        "leak",
        &["漏水", "渗水", "防水", "水帘洞", "发霉", "顶楼", "顶层"],
    ),
    ("fees", &["物业费", "收费", "涨", "停车费", "管理费"]),
    ("trees", &["树枝", "修剪", "行道树", "大枝"]),
    // Not 河 alone: it is in many places' names (白河镇, 滨河公园, 下河村).
    (
        "river",
        &[
            "排污",
            "河道",
            "河水",
            "小河",
            "河沟",
            "河里",
            "偷排",
            "发黑",
            "鱼都死",
        ],
    ),
    (
        "farm",
        &["灌溉", "水渠", "沟渠", "提灌", "插秧", "栽秧", "庄稼"],
    ),
    (
        "stalls",
        &["摆摊", "占道经营", "摊", "堆货", "商铺", "叫卖"],
    ),
    ("signal", &["红绿灯", "信号灯", "黄闪", "人行横道"]),
    ("fitness", &["健身器材", "运动器械", "器材"]),
    ("ebike", &["电动车", "充电", "飞线"]),
    ("school", &["接送", "放学", "上下学", "家长", "学生"]),
];

const _: () = assert!(CONCEPTS.len() <= 32, "concept sets are 32 bits");

/// The concepts `runs` speak of, by name.
pub fn concepts(runs: &[String]) -> Vec<&'static str> {
    let found = concept_set(runs);
    CONCEPTS
        .iter()
        .enumerate()
        .filter(|(i, _)| found & (1 << i) != 0)
        .map(|(_, (name, _))| *name)
        .collect()
}

/// The concepts `runs` speak of, as a set of bits (bit `i` is the `i`-th concept).
pub fn concept_set(runs: &[String]) -> u32 {
    // One text with the runs apart, so that each word is looked for once.
    let text = runs.join("\u{1}");
    let mut found = 0u32;
    for (i, (_, words)) in CONCEPTS.iter().enumerate() {
        if words.iter().any(|w| text.contains(w)) {
            found |= 1 << i;
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalisation_table() {
        let cases: &[(&str, &[&str])] = &[
            ("", &[]),
            ("   ", &[]),
            ("。，！？", &[]),
            ("🙏😡", &[]),
            ("灯", &["灯"]),
            ("路灯坏了🙏", &["路灯坏了"]),
            ("建設路路燈壞了", &["建设路路灯坏了"]),
            ("ＡＢＣ１２３号楼", &["abc123号楼"]),
            ("三号楼", &["3号楼"]),
            ("十二栋", &["12栋"]),
            ("二十三号楼", &["23号楼"]),
            ("三两天", &["三两天"]),
            ("十几度", &["十几度"]),
            ("电话13812345678", &["电话"]),
            ("123456", &["123456"]),
            ("13812345678", &[]),
            ("您好，我要投诉，路灯不亮。谢谢！", &["路灯不亮"]),
            ("A路, B路", &["a路", "b路"]),
            ("幸福里小区 3 号楼", &["幸福里小区", "3", "号楼"]),
        ];
        for (text, want) in cases {
            assert_eq!(normalize(text), *want, "{text}");
        }
    }

    #[test]
    fn traditional_round_trips() {
        let s = "幸福里小区3号楼电梯坏了，暖气不热";
        let t = to_traditional(s);
        assert_ne!(s, t);
        assert_eq!(normalize(&t), normalize(s));
    }
}
