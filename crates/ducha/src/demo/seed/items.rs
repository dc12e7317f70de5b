//! The demo city's supervised matters: titles, sources, categories and measurable targets.
//!
//! Unit lists are comma-separated codes: a city department or body (`zjj`), a county
//! (`yunxi`), `C` every county, `D` the two districts, `X` the four counties that are not
//! districts, `C2`/`C3` that many counties picked at random. In county templates: a county
//! department (`zj`, `ny`, `cg`), `T` every township, `T2`/`T3` that many townships.

/// A template of an item.
#[derive(Debug)]
pub struct Tpl {
    /// Title; `{c}` is the county's name in county templates.
    pub title: &'static str,
    /// Source name.
    pub source: &'static str,
    /// Category name.
    pub category: &'static str,
    /// Priority name.
    pub priority: &'static str,
    /// Lead units.
    pub lead: &'static str,
    /// Co-units.
    pub co: &'static str,
    /// (name, unit of measure, value).
    pub targets: &'static [(&'static str, &'static str, f64)],
    /// Shown on the public progress pages.
    pub public: bool,
}

const M: &str = "meeting";
const I: &str = "instruction";
const K: &str = "key_work";
const P: &str = "major_project";
const N: &str = "npc_suggestion";
const Z: &str = "cppcc_proposal";
const A: &str = "citizen_appeal";
const S: &str = "superior_assignment";
const F: &str = "inspection_finding";
const CW: &str = "central_work";
const LV: &str = "livelihood";
const SZ: &str = "san_zui";
const NO: &str = "normal";
const HI: &str = "high";
const UR: &str = "urgent";

type Targets = &'static [(&'static str, &'static str, f64)];

#[allow(clippy::too_many_arguments)]
const fn t(
    title: &'static str,
    source: &'static str,
    category: &'static str,
    priority: &'static str,
    lead: &'static str,
    co: &'static str,
    targets: Targets,
    public: bool,
) -> Tpl {
    Tpl {
        title,
        source,
        category,
        priority,
        lead,
        co,
        targets,
        public,
    }
}

/// Items registered by the city's supervision offices.
#[rustfmt::skip]
pub const CITY_ITEMS: &[Tpl] = &[
    // 市委常委会议、市政府常务会议议定事项
    t("城区停车难专项整治", M, LV, UR, "D", "cgj,gaj,zjj,zrj", &[("新增公共停车泊位", "个", 2000.0), ("新建立体停车场", "座", 5.0)], true),
    t("老旧小区改造提质", M, LV, HI, "C", "zjj,czj", &[("改造老旧小区", "个", 120.0), ("惠及居民", "户", 18000.0)], true),
    t("优化营商环境攻坚行动", M, CW, HI, "fgw", "sjj,scj,swj,zrj", &[("政务服务事项网上可办率", "%", 98.0), ("企业开办时间", "个工作日", 1.0)], false),
    t("全面落实河长制湖长制", M, CW, HI, "C", "slj,sthjj", &[("河湖“清四乱”问题整改", "处", 86.0), ("县级以上河流断面水质达标率", "%", 95.0)], false),
    t("农村人居环境整治提升", M, CW, HI, "X", "nyj,zjj,sthjj", &[("农村卫生厕所改造", "户", 6000.0), ("生活垃圾收运处置体系覆盖率", "%", 100.0)], false),
    t("城市黑臭水体治理", M, CW, NO, "zjj", "sthjj,D", &[("消除黑臭水体", "条", 8.0)], true),
    t("招商引资“一把手”工程", M, CW, HI, "swj", "fgw,C", &[("签约亿元以上项目", "个", 40.0), ("实际到位资金", "亿元", 120.0)], false),
    t("安全生产大排查大整治", M, CW, UR, "C", "yjj,zjj,jtj", &[("排查整治安全隐患", "处", 3000.0)], false),
    t("中小学校舍安全改造", M, LV, NO, "jyj", "czj,C2", &[("完成校舍改造", "所", 45.0)], false),
    t("城乡居民医保参保扩面", M, LV, NO, "ybj", "C", &[("基本医保参保率", "%", 97.0)], false),
    t("城区背街小巷综合整治", M, LV, NO, "D", "cgj", &[("整治背街小巷", "条", 150.0)], true),
    t("夜间经济特色消费街区建设", M, CW, NO, "swj", "wlj,cgj,D", &[("建成特色消费街区", "个", 4.0)], false),
    t("稳定粮食生产", M, CW, HI, "X", "nyj", &[("粮食播种面积", "万亩", 95.0)], false),
    t("高标准农田建设", M, CW, NO, "X", "nyj,czj,zrj", &[("新建高标准农田", "万亩", 12.0)], false),
    t("稳就业促创业", M, LV, HI, "rsj", "C", &[("城镇新增就业", "人", 32000.0), ("城镇调查失业率", "%", 5.5)], false),
    // 领导批示
    t("市委主要领导关于青山大道沿线违法建设问题的批示", I, CW, UR, "D", "cgj,zrj", &[("拆除违法建设", "处", 35.0), ("拆除面积", "平方米", 21000.0)], false),
    t("市长关于冬季供暖保障工作的批示", I, LV, UR, "zjj", "D", &[("供暖投诉办结率", "%", 100.0)], true),
    t("关于加强校园周边食品安全监管的批示", I, LV, HI, "scj", "jyj,C", &[("检查校园周边经营户", "家", 800.0)], false),
    t("关于集中整治拖欠农民工工资问题的批示", I, LV, UR, "rsj", "zjj,gaj,C", &[("追讨欠薪", "万元", 3500.0), ("涉及农民工", "人", 2100.0)], false),
    t("关于燃气安全隐患排查整治的批示", I, CW, UR, "C", "zjj,yjj,scj", &[("更换老旧燃气管道", "公里", 180.0), ("入户安全检查", "户", 120000.0)], false),
    t("关于电动自行车集中充电设施建设的批示", I, SZ, HI, "D", "zjj,yjj", &[("新建集中充电端口", "个", 5000.0)], true),
    t("关于提升城市公交服务水平的批示", I, LV, NO, "jtj", "", &[("新增公交线路", "条", 12.0), ("更新新能源公交车", "辆", 150.0)], true),
    t("关于加快社区养老服务设施建设的批示", I, LV, NO, "C", "mzj", &[("新建社区养老服务站", "个", 60.0)], false),
    t("关于“保交楼”专项工作的批示", I, CW, UR, "zjj", "zrj,czj,D", &[("交付住房", "套", 4800.0)], false),
    t("关于城区易涝积水点整治的批示", I, SZ, UR, "cgj", "zjj,slj,D", &[("整治易涝积水点", "处", 26.0)], true),
    t("关于规范涉企行政检查的批示", I, CW, NO, "scj", "sfj", &[("涉企检查频次压减", "%", 30.0)], false),
    t("关于提升乡镇卫生院服务能力的批示", I, LV, NO, "X", "wjw", &[("达到服务能力推荐标准的卫生院", "所", 12.0)], false),
    // 政府工作报告重点工作和民生实事
    t("民生实事：新建改扩建公办幼儿园", K, LV, HI, "C", "jyj", &[("新增公办学前教育学位", "个", 3600.0)], true),
    t("民生实事：城乡供水一体化", K, LV, HI, "X", "slj", &[("农村自来水普及率", "%", 96.0), ("新建改造供水管网", "公里", 320.0)], true),
    t("数字政府建设", K, CW, NO, "sjj", "", &[("高频事项“一网通办”", "项", 300.0)], false),
    t("县域商业体系建设", K, CW, NO, "X", "swj", &[("建设乡镇商贸中心", "个", 20.0)], false),
    t("中心城区“口袋公园”建设", K, LV, NO, "D", "cgj,zrj", &[("新建口袋公园", "个", 40.0)], true),
    t("城市更新行动", K, CW, HI, "zjj", "fgw,zrj,czj", &[("启动城市更新片区", "个", 6.0)], false),
    t("乡村振兴示范村创建", K, CW, NO, "X", "nyj", &[("创建示范村", "个", 50.0)], false),
    t("生活垃圾分类提质扩面", K, LV, NO, "D", "cgj", &[("城区生活垃圾分类覆盖率", "%", 90.0)], false),
    t("家庭医生签约服务提质", K, LV, NO, "wjw", "C", &[("重点人群签约率", "%", 80.0)], false),
    t("工业企业技术改造提升", K, CW, NO, "gxj", "", &[("实施技改项目", "个", 150.0), ("完成技改投资", "亿元", 85.0)], false),
    t("科技型企业培育", K, CW, NO, "kjj", "", &[("新增高新技术企业", "家", 60.0)], false),
    t("公共法律服务体系建设", K, LV, NO, "sfj", "C", &[("村（社区）法律顾问覆盖率", "%", 100.0)], false),
    t("文旅融合发展", K, CW, NO, "wlj", "C2", &[("接待游客", "万人次", 2500.0)], false),
    t("社会救助兜底保障", K, LV, HI, "mzj", "czj,C", &[("低保资金发放准确率", "%", 100.0)], false),
    // 重大项目
    t("青山高铁站综合交通枢纽建设", P, CW, HI, "jtj", "zrj,fgw,qingfeng", &[("完成投资", "亿元", 18.0), ("工程形象进度", "%", 60.0)], false),
    t("青山至白河高速公路建设", P, CW, HI, "jtj", "baihe,songling,zrj", &[("完成路基工程", "公里", 42.0)], false),
    t("明湖新区污水处理厂扩建", P, CW, NO, "zjj", "sthjj,minghu", &[("新增日处理能力", "万吨", 5.0)], false),
    t("市第一人民医院新院区建设", P, LV, HI, "wjw", "fgw,zjj", &[("完成投资", "亿元", 9.6)], true),
    t("云溪水库除险加固", P, CW, NO, "slj", "yunxi", &[("完成投资", "亿元", 2.3)], false),
    t("经开区新能源电池产业园建设", P, CW, UR, "gxj", "fgw,minghu", &[("入驻企业", "家", 15.0), ("完成投资", "亿元", 30.0)], false),
    t("主城区地下综合管廊建设", P, CW, NO, "zjj", "D", &[("建成综合管廊", "公里", 8.0)], false),
    t("白河流域生态保护修复", P, CW, NO, "sthjj", "slj,baihe", &[("修复河道岸线", "公里", 28.0)], false),
    t("松岭农产品冷链物流园建设", P, CW, NO, "swj", "songling", &[("新增冷库库容", "万吨", 10.0)], false),
    t("青峰老城区棚户区改造", P, LV, HI, "qingfeng", "zjj,zrj", &[("完成房屋征收", "户", 1500.0)], false),
    t("职业教育园区建设", P, CW, NO, "jyj", "rsj,fgw", &[("新增职业教育学位", "个", 8000.0)], false),
    t("5G网络基站建设", P, CW, NO, "gxj", "C", &[("新建5G基站", "个", 1200.0)], false),
    // 人大代表建议
    t("关于加快城区停车设施建设的建议", N, LV, NO, "cgj", "zrj,rd", &[("书面答复代表", "件", 1.0), ("新增停车泊位", "个", 600.0)], false),
    t("关于加强农村寄递物流体系建设的建议", N, LV, NO, "jtj", "swj", &[("建成村级寄递物流服务站", "个", 300.0)], false),
    t("关于提高城乡居民基础养老金的建议", N, LV, NO, "rsj", "czj", &[("书面答复代表", "件", 1.0)], false),
    t("关于加强中小学生心理健康教育的建议", N, LV, NO, "jyj", "wjw", &[("配备专职心理健康教师的学校占比", "%", 90.0)], false),
    t("关于推进农村公路提档升级的建议", N, CW, NO, "X", "jtj", &[("改造提升农村公路", "公里", 260.0)], false),
    t("关于加强老旧电梯安全监管的建议", N, SZ, HI, "scj", "zjj,D", &[("更新改造老旧电梯", "台", 300.0)], true),
    t("关于规范校外培训机构管理的建议", N, LV, NO, "jyj", "scj", &[("书面答复代表", "件", 1.0)], false),
    t("关于加大基层医疗卫生人才引进力度的建议", N, LV, NO, "wjw", "rsj", &[("引进医学人才", "人", 120.0)], false),
    t("关于推动预制菜产业发展的建议", N, CW, NO, "nyj", "gxj,scj", &[("书面答复代表", "件", 1.0)], false),
    t("关于加强城市内涝治理的建议", N, LV, NO, "zjj", "slj,rd", &[("改造雨水管网", "公里", 45.0)], false),
    t("关于完善“一刻钟便民生活圈”的建议", N, LV, NO, "swj", "D", &[("建成便民生活圈", "个", 30.0)], false),
    t("关于加大民营企业融资支持力度的建议", N, CW, NO, "fgw", "czj", &[("书面答复代表", "件", 1.0)], false),
    // 政协委员提案
    t("关于发展银发经济的提案", Z, LV, NO, "mzj", "wjw,fgw", &[("书面答复委员", "件", 1.0)], false),
    t("关于保护和活化利用传统村落的提案", Z, CW, NO, "wlj", "zrj,zjj,zx", &[("挂牌保护传统村落", "个", 15.0)], false),
    t("关于吸引青年人才留青创业的提案", Z, CW, NO, "rsj", "kjj", &[("新引进高校毕业生", "人", 12000.0)], false),
    t("关于加强非物质文化遗产保护传承的提案", Z, CW, NO, "wlj", "jyj", &[("书面答复委员", "件", 1.0)], false),
    t("关于推进农村生活污水治理的提案", Z, LV, NO, "sthjj", "zjj,X", &[("完成治理的行政村", "个", 180.0)], false),
    t("关于加强新就业形态劳动者权益保障的提案", Z, LV, NO, "rsj", "sfj,zx", &[("建设户外劳动者服务站点", "个", 100.0)], false),
    t("关于打造“青山茶”区域公用品牌的提案", Z, CW, NO, "nyj", "scj,yunxi", &[("授权使用品牌的企业", "家", 40.0)], false),
    t("关于发展社区嵌入式托育服务的提案", Z, LV, NO, "wjw", "mzj", &[("新增普惠托位", "个", 1500.0)], false),
    t("关于推进公共文化场馆错时延时开放的提案", Z, LV, NO, "wlj", "", &[("延时开放场馆", "个", 20.0)], true),
    t("关于加快充电基础设施布局的提案", Z, CW, NO, "fgw", "zjj,zx", &[("新建公共充电桩", "个", 3000.0)], false),
    t("关于压实食品安全“两个责任”的提案", Z, LV, NO, "scj", "", &[("书面答复委员", "件", 1.0)], false),
    // 群众“三最”诉求（12345热线）
    t("明湖区锦绣花园小区电梯频繁故障问题", A, SZ, UR, "minghu", "scj,rx12345", &[("更换电梯", "台", 6.0)], true),
    t("东关菜市场周边占道经营、交通拥堵问题", A, SZ, HI, "qingfeng", "cgj,gaj", &[("规划临时疏导点", "处", 3.0)], true),
    t("云溪县龙潭镇饮水季节性短缺问题", A, SZ, UR, "yunxi", "slj,rx12345", &[("解决饮水困难人口", "人", 3200.0)], true),
    t("城区夜间渣土车噪声扰民问题", A, SZ, HI, "cgj", "gaj,sthjj", &[("查处违规运输", "起", 200.0)], true),
    t("新城街道学区划分群众反映集中问题", A, SZ, HI, "jyj", "minghu", &[("答复群众诉求", "件", 46.0)], false),
    t("马鞍镇至松岭县城客运班线停运问题", A, SZ, NO, "jtj", "songling", &[("恢复客运班线", "条", 2.0)], true),
    t("白河县桃花镇卫生院缺少儿科医生问题", A, SZ, NO, "wjw", "baihe", &[("派驻儿科医生", "人", 2.0)], false),
    t("滨江花园小区不动产权证办理难问题", A, SZ, UR, "zrj", "minghu,zjj", &[("办理不动产权证", "户", 860.0)], true),
    t("城区部分路段路灯长期不亮问题", A, SZ, NO, "cgj", "rx12345", &[("修复路灯", "盏", 1500.0)], true),
    t("枫林市沙湾镇养殖场异味扰民问题", A, SZ, HI, "sthjj", "fenglin", &[("完成治理养殖场", "家", 7.0)], true),
    t("公租房分配信息公开不充分问题", A, LV, NO, "zjj", "D", &[("公开房源信息", "%", 100.0)], false),
    t("望江街道老旧小区雨污管网堵塞问题", A, SZ, HI, "qingfeng", "zjj", &[("疏通改造管网", "米", 4200.0)], true),
    t("外卖骑手电动车违规充电安全隐患问题", A, SZ, HI, "yjj", "cgj,D", &[("清理违规充电点", "处", 900.0)], false),
    t("医保异地就医结算不便问题", A, LV, NO, "ybj", "rx12345", &[("跨省直接结算定点医院", "家", 80.0)], false),
    t("柳营街道农贸市场环境脏乱问题", A, SZ, NO, "qingfeng", "scj", &[("完成提升改造市场", "个", 2.0)], true),
    t("学校周边“小饭桌”食品安全问题", A, SZ, HI, "scj", "jyj,D", &[("检查整改“小饭桌”", "家", 260.0)], false),
    // 上级交办
    t("中央生态环境保护督察反馈问题整改", S, CW, UR, "C", "sthjj", &[("完成整改问题", "个", 42.0)], false),
    t("省委巡视反馈惠民惠农财政补贴资金问题整改", S, CW, UR, "czj", "nyj,mzj,C", &[("完成整改问题", "个", 16.0), ("追回违规资金", "万元", 830.0)], false),
    t("国务院大督查发现问题整改", S, CW, UR, "fgw", "sjj,scj", &[("完成整改问题", "个", 18.0)], false),
    t("省政府民生实事：农村危房改造", S, LV, HI, "X", "zjj", &[("改造农村危房", "户", 900.0)], false),
    t("省防指部署汛期防汛备汛工作", S, CW, UR, "C", "slj,yjj", &[("整治病险山塘", "座", 70.0)], false),
    t("国家卫生城市复审迎检", S, CW, HI, "D", "wjw,cgj,scj", &[("完成问题点位整改", "处", 640.0)], false),
    t("省级“双随机、一公开”监管任务", S, CW, NO, "scj", "", &[("完成抽查任务", "户", 2600.0)], false),
    t("省委省政府“无欠薪”行动", S, LV, HI, "rsj", "zjj,C", &[("欠薪案件办结率", "%", 100.0)], false),
    t("第三次全国土壤普查", S, CW, NO, "X", "nyj,zrj", &[("完成采样点位", "个", 4200.0)], false),
    t("耕地保护“进出平衡”问题整改", S, CW, HI, "X", "zrj,nyj", &[("恢复耕地", "亩", 15000.0)], false),
    // 督查检查发现
    t("市审计局审计发现乡镇专项资金闲置问题整改", F, CW, HI, "C", "czj,sj", &[("盘活闲置资金", "万元", 6800.0)], false),
    t("市纪委监委专项监督发现“小微权力”运行不规范问题整改", F, CW, HI, "X", "mzj,jw", &[("完成整改问题", "个", 55.0)], false),
    t("暗访发现城区建筑工地扬尘管控不力问题", F, CW, HI, "zjj", "sthjj,D", &[("整改在建工地", "个", 120.0)], false),
    t("安全生产明查暗访发现问题整改", F, CW, UR, "C", "yjj", &[("整改安全隐患", "处", 260.0)], false),
    t("审计发现保障性住房分配管理问题整改", F, LV, HI, "zjj", "sj", &[("清退违规占用", "套", 95.0)], false),
    t("市委巡察反馈惠民补贴“一卡通”发放问题整改", F, CW, HI, "czj", "nyj,X", &[("完成整改问题", "个", 23.0)], false),
    t("暗访发现政务服务窗口“推拖绕”问题整改", F, LV, HI, "sjj", "C", &[("整改窗口", "个", 37.0)], false),
    t("人大执法检查发现大气污染防治问题整改", F, CW, NO, "sthjj", "zjj,cgj,rd", &[("完成整改问题", "个", 31.0)], false),
];

/// Items a county's supervision office registers; `{c}` is the county's name.
#[rustfmt::skip]
pub const COUNTY_ITEMS: &[Tpl] = &[
    t("{c}“两违”专项整治", M, CW, HI, "T3", "zj", &[("拆除违法建设", "处", 120.0)], false),
    t("{c}乡镇污水处理设施运维问题整改", F, CW, HI, "zj", "T2", &[("整改污水处理设施", "座", 8.0)], false),
    t("{c}农村问题厕所整改", S, LV, NO, "T", "", &[("整改问题厕所", "户", 450.0)], false),
    t("{c}村级集体经济“清零消薄”", K, CW, NO, "T3", "", &[("集体经济收入10万元以上村占比", "%", 60.0)], false),
    t("{c}城区学校“大班额”化解", K, LV, HI, "zj", "T2", &[("新增学位", "个", 900.0)], true),
    t("{c}重点招商项目落地攻坚", P, CW, UR, "T2", "zj", &[("开工项目", "个", 6.0), ("完成投资", "亿元", 4.5)], false),
    t("关于{c}城区农贸市场改造提升的建议", N, LV, NO, "T2", "", &[("改造农贸市场", "个", 3.0)], false),
    t("{c}群众反映集中供水水压不足问题", A, SZ, UR, "T2", "zj", &[("解决水压不足户数", "户", 1300.0)], true),
    t("{c}森林防火网格化管理", I, CW, HI, "T", "", &[("落实护林员", "人", 150.0)], false),
    t("{c}秸秆禁烧和综合利用", I, CW, NO, "T3", "ny", &[("秸秆综合利用率", "%", 92.0)], false),
    t("{c}“一老一小”服务设施建设", K, LV, NO, "T2", "", &[("新建托育养老服务点", "个", 10.0)], true),
    t("{c}乡镇敬老院提升改造", K, LV, NO, "T2", "", &[("改造敬老院", "所", 4.0)], false),
];
