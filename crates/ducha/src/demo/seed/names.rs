//! The demo city's organisation and people: 青山市, a fictional prefecture-level city.
//!
//! Every name here is invented; any likeness to a real place or person is a coincidence of
//! common Chinese words.

/// The city.
pub const CITY: &str = "青山市";

/// (code, name, supervisors) of the city's supervision bodies; the first two have supervisors.
pub const BODIES: &[(&str, &str, usize)] = &[
    ("sw", "市委督查室", 3),
    ("zf", "市政府督查室", 4),
    ("jw", "市纪委监委", 0),
    ("sj", "市审计局", 0),
    ("rd", "市人大常委会办公室", 0),
    ("zx", "市政协办公室", 0),
    ("rx12345", "市12345政务服务便民热线中心", 0),
];

/// (code, name, index of the vice mayor in charge, second liaison) of the city's departments.
pub const DEPARTMENTS: &[(&str, &str, usize, bool)] = &[
    ("fgw", "市发展改革委", 1, true),
    ("jyj", "市教育局", 4, true),
    ("kjj", "市科技局", 4, false),
    ("gxj", "市工业和信息化局", 5, false),
    ("gaj", "市公安局", 5, true),
    ("mzj", "市民政局", 4, false),
    ("sfj", "市司法局", 5, false),
    ("czj", "市财政局", 1, true),
    ("rsj", "市人力资源社会保障局", 1, false),
    ("zrj", "市自然资源和规划局", 2, false),
    ("sthjj", "市生态环境局", 3, true),
    ("zjj", "市住房城乡建设局", 2, true),
    ("jtj", "市交通运输局", 2, false),
    ("slj", "市水利局", 3, false),
    ("nyj", "市农业农村局", 3, true),
    ("swj", "市商务局", 1, false),
    ("wlj", "市文化广电旅游局", 4, false),
    ("wjw", "市卫生健康委", 4, false),
    ("yjj", "市应急管理局", 2, false),
    ("scj", "市市场监管局", 5, false),
    ("cgj", "市城市管理局", 2, true),
    ("ybj", "市医疗保障局", 4, false),
    ("sjj", "市政务服务和数据管理局", 1, false),
    ("xfj", "市信访局", 1, false),
];

/// (parent department, code, name) of units under a city department; `*` is each county's name.
pub const BRANCHES: &[(&str, &str, &str)] = &[
    ("sthjj", "sthjj.*", "市生态环境局*分局"),
    ("gaj", "gaj.jj", "市公安局交通警察支队"),
    ("cgj", "cgj.sz", "市城市管理局市政设施服务中心"),
];

/// A township or street: (pinyin code, name, villages as (code, name)).
pub type Township = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

/// A county-level unit with its townships.
pub struct County {
    /// Pinyin code, used in user names.
    pub code: &'static str,
    /// Name.
    pub name: &'static str,
    /// Whether it is an urban district (区) rather than a county.
    pub district: bool,
    /// Townships and streets.
    pub townships: &'static [Township],
}

/// The six counties and districts.
pub const COUNTIES: &[County] = &[
    County {
        code: "qingfeng",
        name: "青峰区",
        district: true,
        townships: &[
            ("qingfengjd", "青峰街道", &[]),
            (
                "dongguan",
                "东关街道",
                &[("dongguansq", "东关社区"), ("xiyuansq", "西园社区")],
            ),
            ("nanmen", "南门街道", &[]),
            ("wangjiang", "望江街道", &[]),
            ("liuying", "柳营街道", &[]),
        ],
    },
    County {
        code: "minghu",
        name: "明湖区",
        district: true,
        townships: &[
            ("minghujd", "明湖街道", &[]),
            ("hubin", "湖滨街道", &[]),
            ("jinqiao", "金桥街道", &[]),
            ("xincheng", "新城街道", &[]),
            ("hongxing", "红星街道", &[]),
        ],
    },
    County {
        code: "yunxi",
        name: "云溪县",
        district: false,
        townships: &[
            ("yunxizhen", "云溪镇", &[]),
            (
                "longtan",
                "龙潭镇",
                &[("longtancun", "龙潭村"), ("qingshicun", "青石村")],
            ),
            (
                "baishi",
                "白石镇",
                &[("baishicun", "白石村"), ("guihuacun", "桂花村")],
            ),
            ("shuanghe", "双河乡", &[]),
            ("shanmu", "杉木乡", &[]),
        ],
    },
    County {
        code: "songling",
        name: "松岭县",
        district: false,
        townships: &[
            ("songlingzhen", "松岭镇", &[]),
            (
                "maan",
                "马鞍镇",
                &[("maancun", "马鞍村"), ("yangliucun", "杨柳村")],
            ),
            ("qingshui", "清水镇", &[]),
            ("gaofeng", "高峰乡", &[]),
            ("shiping", "石坪乡", &[]),
        ],
    },
    County {
        code: "baihe",
        name: "白河县",
        district: false,
        townships: &[
            ("baihezhen", "白河镇", &[]),
            (
                "taohua",
                "桃花镇",
                &[("taohuacun", "桃花村"), ("baishucun", "柏树村")],
            ),
            ("changtan", "长滩镇", &[]),
            ("daping", "大坪乡", &[]),
            ("huangtu", "黄土乡", &[]),
        ],
    },
    County {
        code: "fenglin",
        name: "枫林市",
        district: false,
        townships: &[
            ("fenglinjd", "枫林街道", &[]),
            ("chengbei", "城北街道", &[]),
            ("gucheng", "古城镇", &[]),
            (
                "shawan",
                "沙湾镇",
                &[("shawancun", "沙湾村"), ("xinhesq", "新河社区")],
            ),
            ("meiling", "梅岭镇", &[]),
        ],
    },
];

/// (code, name suffix) of the departments of a district and of a county.
pub const DISTRICT_DEPTS: &[(&str, &str)] = &[("zj", "住房城乡建设局"), ("cg", "城市管理局")];
/// See [`DISTRICT_DEPTS`].
pub const COUNTY_DEPTS: &[(&str, &str)] = &[("zj", "住房城乡建设局"), ("ny", "农业农村局")];

/// (username, name, position) of the city's leaders; index 0 is the Party secretary, 1 the mayor,
/// 2.. the vice mayors (2 = executive vice mayor) matching [`DEPARTMENTS`]' indexes + 1.
pub const LEADERS: &[(&str, &str, &str)] = &[
    ("shuji", "高振华", "市委书记"),
    ("shizhang", "林志远", "市长"),
    ("fushizhang1", "陈国栋", "常务副市长"),
    ("fushizhang2", "刘建明", "副市长（城建、交通、应急）"),
    (
        "fushizhang3",
        "杨海波",
        "副市长（农业农村、水利、生态环境）",
    ),
    ("fushizhang4", "苏婉清", "副市长（教育、卫健、民政、文旅）"),
    (
        "fushizhang5",
        "何卫东",
        "副市长（公安、司法、市场监管、工信）",
    ),
];

/// Fixed names of the accounts printed at start (the rest are generated).
pub const NAMED: &[(&str, &str)] = &[
    ("sysadmin", "钱磊"),
    ("secadmin", "冯雪"),
    ("auditadmin", "蒋涛"),
    ("sw.ducha1", "王晓燕"),
    ("zf.ducha1", "赵立军"),
    ("yunxi.head", "孙红梅"),
    ("yunxi.liaison", "李文博"),
    ("yunxi.dcs", "宋佳"),
    ("longtan.liaison", "张小勇"),
    ("zjj.head", "黄志强"),
    ("zjj.liaison", "吴静"),
];

/// Surnames, the common ones repeated so they come up more often.
pub const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "王", "李", "张", "刘", "陈", "杨",
    "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许",
    "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜",
    "叶", "程", "苏", "魏", "吕", "丁", "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪",
    "范", "金", "石", "廖", "贾", "夏", "韦", "付", "方", "白", "邹", "孟", "熊", "秦", "邱", "江",
    "尹", "薛", "段", "雷", "侯", "龙", "史", "陶", "黎", "贺", "顾", "毛", "郝", "龚", "邵", "万",
    "覃", "武", "戴", "莫", "孔", "向", "汤", "欧阳", "司马",
];

/// Characters of men's given names.
pub const MALE: &[&str] = &[
    "伟", "强", "磊", "军", "洋", "勇", "杰", "涛", "明", "超", "平", "刚", "建", "文", "辉", "力",
    "斌", "宇", "鹏", "峰", "浩", "凯", "志", "国", "海", "波", "东", "新", "永", "德", "荣", "林",
    "亮", "俊", "飞", "成", "龙", "彬", "博", "昊", "睿", "泽", "航", "轩", "松", "利", "清", "学",
    "忠", "晨", "华", "健",
];

/// Characters of women's given names.
pub const FEMALE: &[&str] = &[
    "芳", "娜", "敏", "静", "丽", "艳", "娟", "秀", "霞", "桂", "英", "华", "玉", "萍", "红", "琳",
    "颖", "欣", "婷", "雪", "倩", "慧", "佳", "思", "宁", "春", "兰", "梅", "晓", "丹", "云", "婉",
    "诗", "雨", "涵", "嘉", "怡", "瑶", "琪", "莉", "蓉", "青", "燕", "洁",
];

/// The position (职务) a demo account holds: the city's leaders as listed in [`LEADERS`], a
/// unit's head by the kind of unit its name ends in, liaisons and supervisors by their work.
pub fn position(username: &str, unit_name: &str) -> String {
    if let Some((_, _, p)) = LEADERS.iter().find(|(u, _, _)| *u == username) {
        return (*p).to_string();
    }
    let head = |suffixes: &[(&str, &str)]| {
        suffixes
            .iter()
            .find(|(end, _)| unit_name.ends_with(end))
            .map(|(_, p)| (*p).to_string())
    };
    let found = if username.ends_with(".head") {
        head(&[
            ("局", "局长"),
            ("委员会", "主任"),
            ("办公室", "主任"),
            ("区", "区长"),
            ("县", "县长"),
            ("街道", "街道办事处主任"),
            ("镇", "镇长"),
            ("乡", "乡长"),
        ])
    } else if username.ends_with("liaison")
        && (unit_name.ends_with('村') || unit_name.ends_with("社区"))
    {
        head(&[("村", "村委会主任"), ("社区", "社区居委会主任")])
    } else if username.contains(".liaison") {
        Some("督办联络员".to_string())
    } else if username.contains(".ducha") || username.ends_with(".dcs") {
        Some("督查专员".to_string())
    } else {
        None
    };
    found.unwrap_or_default()
}
