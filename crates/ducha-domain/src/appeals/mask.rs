//! Personal data in an appeal's Chinese text, found and masked: mainland mobile numbers,
//! landlines, 18-digit resident ID numbers (check digit verified), email addresses, bank card
//! numbers (Luhn, or named as a card), personal names after a cue (我叫, 姓名, 联系人 …) and the
//! numbers of a detailed address (…号, 栋, 单元, 室).
//!
//! The masked text is what everyone sees; the original is stored encrypted. Masking keeps
//! the shape (a star per character) and only what identifies nobody: a mobile's first three
//! digits (the carrier), a landline's area code, a surname, an email's first letter and
//! domain. It errs towards masking: a village named after a family may lose its given part.

use crate::org::str_enum;

str_enum!(
    /// A kind of personal data found in a text.
    PiiKind {
        /// 手机号.
        Mobile = "mobile",
        /// 固定电话.
        Landline = "landline",
        /// 身份证号.
        IdNumber = "id_number",
        /// 电子邮箱.
        Email = "email",
        /// 银行卡号.
        BankCard = "bank_card",
        /// 姓名.
        Name = "name",
        /// 详细地址 (门牌、楼栋、单元、房号).
        Address = "address",
    }
);

/// A text with its personal data masked, and the kinds found (each once, in order of first
/// appearance).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Masked {
    /// The masked text.
    pub text: String,
    /// What was masked.
    pub found: Vec<PiiKind>,
}

impl Masked {
    /// Whether anything was masked.
    pub fn changed(&self) -> bool {
        !self.found.is_empty()
    }
}

/// A full-width digit as its ASCII digit; anything else as it is.
pub fn ascii_digit(c: char) -> char {
    match c {
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
        'Ｘ' => 'X',
        'ｘ' => 'x',
        _ => c,
    }
}

/// A mainland mobile number: 11 digits, `1` then 3–9.
pub fn is_mobile(d: &str) -> bool {
    let b = d.as_bytes();
    b.len() == 11
        && b.iter().all(u8::is_ascii_digit)
        && b[0] == b'1'
        && (b'3'..=b'9').contains(&b[1])
}

/// A landline with its area code: `0`, an area code not starting with `0`, 10–12 digits.
pub fn is_landline(d: &str) -> bool {
    let b = d.as_bytes();
    (10..=12).contains(&b.len()) && b.iter().all(u8::is_ascii_digit) && b[0] == b'0' && b[1] != b'0'
}

/// Whether 18 characters are a resident ID number: 17 digits and the GB 11643 check
/// character (0–9 or X), a plausible birth date.
pub fn is_id_number(d: &str) -> bool {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";
    let b = d.as_bytes();
    if b.len() != 18 || !b[..17].iter().all(u8::is_ascii_digit) || b[0] == b'0' {
        return false;
    }
    let sum: u32 = b[..17]
        .iter()
        .zip(W)
        .map(|(c, w)| u32::from(c - b'0') * w)
        .sum();
    let month = u32::from(b[10] - b'0') * 10 + u32::from(b[11] - b'0');
    let day = u32::from(b[12] - b'0') * 10 + u32::from(b[13] - b'0');
    CHECK[(sum % 11) as usize] == b[17].to_ascii_uppercase()
        && (1..=12).contains(&month)
        && (1..=31).contains(&day)
}

/// The Luhn check of a card number.
pub fn luhn(d: &str) -> bool {
    let mut sum = 0;
    for (i, c) in d.bytes().rev().enumerate() {
        if !c.is_ascii_digit() {
            return false;
        }
        let mut v = u32::from(c - b'0');
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    sum % 10 == 0
}

const PHONE_CUES: &[&str] = &[
    "电话",
    "手机",
    "座机",
    "联系方式",
    "号码",
    "tel",
    "Tel",
    "TEL",
];
const CARD_CUES: &[&str] = &["卡号", "银行卡", "账号", "帐号", "存折"];
const ID_CUES: &[&str] = &["身份证"];
const NAME_CUES: &[&str] = &[
    "我叫",
    "名叫",
    "叫做",
    "我是",
    "本人",
    "姓名",
    "联系人",
    "反映人",
    "来电人",
    "诉求人",
    "投诉人",
    "户主",
    "业主",
    "住户",
    "居民",
    "村民",
    "市民",
    "租户",
];
const COMPOUND_SURNAMES: &[&str] = &[
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "令狐", "慕容", "尉迟", "长孙", "宇文", "司徒",
    "夏侯", "公孙", "轩辕", "端木",
];
const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝";
/// Characters that end (or, first, rule out) the given part of a name: function words and the
/// words of places and phones that follow a cue far more often than a name does.
const NAME_STOP: &str = "的是在住家村镇乡路区市县省街巷号楼栋室电话手机联系反映投诉想要请们先女士师傅阿姨大爷老板说和与及从向对因为了也都就今昨年月日个些这那有没不很已经被把让给到来去上下里外中";
const ROAD_CUES: &str = "路街道巷弄里村组胡同苑园区";

fn is_cjk(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

fn is_cn_numeral(c: char) -> bool {
    "零〇一二三四五六七八九十百两".contains(c)
}

/// Finds and masks personal data in `text`.
pub fn mask(text: &str) -> Masked {
    let chars: Vec<char> = text.chars().collect();
    let norm: Vec<char> = chars.iter().map(|c| ascii_digit(*c)).collect();
    let n = chars.len();
    let mut out = chars.clone();
    let mut taken = vec![false; n];
    let mut found: Vec<PiiKind> = Vec::new();
    let note = |k: PiiKind, found: &mut Vec<PiiKind>| {
        if !found.contains(&k) {
            found.push(k);
        }
    };
    let before =
        |i: usize, width: usize| -> String { chars[i.saturating_sub(width)..i].iter().collect() };

    // Email addresses.
    for at in 0..n {
        if norm[at] != '@' {
            continue;
        }
        let local_char = |c: char| c.is_ascii_alphanumeric() || "._%+-".contains(c);
        let domain_char = |c: char| c.is_ascii_alphanumeric() || c == '.' || c == '-';
        let mut l = at;
        while l > 0 && local_char(norm[l - 1]) {
            l -= 1;
        }
        let mut r = at + 1;
        while r < n && domain_char(norm[r]) {
            r += 1;
        }
        while r > at + 1 && norm[r - 1] == '.' {
            r -= 1;
        }
        let domain: String = norm[at + 1..r].iter().collect();
        if l < at && domain.contains('.') && !domain.starts_with('.') {
            out[l + 1..at].iter_mut().for_each(|c| *c = '*');
            taken[l..r].iter_mut().for_each(|t| *t = true);
            note(PiiKind::Email, &mut found);
        }
    }

    // Digit runs: phones, ID numbers, bank cards.
    let mut i = 0;
    while i < n {
        let starts = norm[i].is_ascii_digit()
            && !taken[i]
            && (i == 0 || !norm[i - 1].is_ascii_alphanumeric());
        if !starts {
            i += 1;
            continue;
        }
        let mut j = i;
        let mut digits = String::new();
        let mut pos = Vec::new();
        while j < n {
            let c = norm[j];
            if c.is_ascii_digit() {
                digits.push(c);
                pos.push(j);
                j += 1;
            } else if matches!(c, '-' | ' ' | '－')
                && j + 1 < n
                && norm[j + 1].is_ascii_digit()
                && norm[j - 1].is_ascii_digit()
            {
                j += 1;
            } else {
                break;
            }
        }
        if digits.len() == 17 && j < n && matches!(norm[j], 'X' | 'x') {
            digits.push('X');
            pos.push(j);
            j += 1;
        }
        // A run glued to letters is a code (工单号, 型号), not a number of a person.
        if j < n && norm[j].is_ascii_alphanumeric() {
            i = j;
            continue;
        }
        let cue = |cues: &[&str]| {
            let b = before(i, 10);
            cues.iter().any(|c| b.contains(c))
        };
        let plus86 = i >= 3 && norm[i - 3..i].iter().collect::<String>() == "+86";
        let id =
            (digits.len() == 18 && is_id_number(&digits)) || (digits.len() == 15 && cue(ID_CUES));
        let (kind, keep) = if id {
            (Some(PiiKind::IdNumber), 0)
        } else if is_mobile(&digits) {
            (Some(PiiKind::Mobile), 3)
        } else if digits.len() == 13 && digits.starts_with("86") && is_mobile(&digits[2..]) {
            (Some(PiiKind::Mobile), 5)
        } else if is_landline(&digits) {
            let area = if matches!(&digits[..2], "01" | "02") {
                3
            } else {
                4
            };
            (Some(PiiKind::Landline), area)
        } else if (7..=8).contains(&digits.len()) && (cue(PHONE_CUES) || plus86) {
            (Some(PiiKind::Landline), 0)
        } else if (16..=19).contains(&digits.len()) && (luhn(&digits) || cue(CARD_CUES)) {
            (Some(PiiKind::BankCard), 0)
        } else {
            (None, 0)
        };
        if let Some(k) = kind {
            for p in pos.iter().skip(keep) {
                out[*p] = '*';
            }
            taken[i..j].iter_mut().for_each(|t| *t = true);
            note(k, &mut found);
        }
        i = j.max(i + 1);
    }

    // Names after a cue.
    let text_norm: String = chars.iter().collect();
    for cue in NAME_CUES {
        let cue_len = cue.chars().count();
        let mut from = 0;
        while let Some(off) = text_norm[from..].find(cue) {
            let byte = from + off;
            from = byte + cue.len();
            let mut s = text_norm[..byte].chars().count() + cue_len;
            while s < n && matches!(chars[s], ':' | '：' | ' ' | '是' | '为') {
                s += 1;
            }
            let surname_len = if s + 1 < n
                && COMPOUND_SURNAMES.contains(&chars[s..s + 2].iter().collect::<String>().as_str())
            {
                2
            } else if s < n && SURNAMES.contains(chars[s]) {
                1
            } else {
                0
            };
            if surname_len == 0 {
                continue;
            }
            let g = s + surname_len;
            let mut e = g;
            while e < n
                && e < g + 2
                && is_cjk(chars[e])
                && !NAME_STOP.contains(chars[e])
                && !taken[e]
            {
                e += 1;
            }
            if e == g {
                continue;
            }
            for k in g..e {
                out[k] = '*';
                taken[k] = true;
            }
            note(PiiKind::Name, &mut found);
        }
    }

    // Numbers of a detailed address.
    let marker_at = |k: usize| -> Option<(usize, bool)> {
        // (marker length, whether Chinese numerals count before it)
        let rest: String = chars[k..n.min(k + 2)].iter().collect();
        if rest.starts_with("单元") || rest.starts_with("号楼") || rest.starts_with("号院") {
            Some((2, true))
        } else if matches!(chars[k], '栋' | '幢' | '室' | '座') {
            Some((1, true))
        } else if chars[k] == '号' && !rest.starts_with("号线") {
            Some((1, false))
        } else {
            None
        }
    };
    for k in 1..n {
        let Some((_, numerals)) = marker_at(k) else {
            continue;
        };
        let mut b = k;
        while b > 0
            && !taken[b - 1]
            && (norm[b - 1].is_ascii_digit()
                || (norm[b - 1].is_ascii_uppercase() && b == k)
                || (numerals && is_cn_numeral(chars[b - 1])))
        {
            b -= 1;
        }
        if b == k {
            continue;
        }
        if chars[k] == '号' {
            // A bare 号 is a house number only right after a road: 幸福路12号, not 3月5号.
            let road = b > 0 && ROAD_CUES.contains(chars[b - 1]);
            if !road {
                continue;
            }
        }
        for p in b..k {
            out[p] = '*';
            taken[p] = true;
        }
        note(PiiKind::Address, &mut found);
    }

    Masked {
        text: out.into_iter().collect(),
        found,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use PiiKind::*;

    #[test]
    fn personal_data_is_masked() {
        let cases: &[(&str, &str, &[PiiKind])] = &[
            (
                "电话13812345678，请回电",
                "电话138********，请回电",
                &[Mobile],
            ),
            ("手机：138 1234 5678", "手机：138 **** ****", &[Mobile]),
            ("拨打+8613912345678", "拨打+86139********", &[Mobile]),
            (
                "全角１３８１２３４５６７８",
                "全角１３８********",
                &[Mobile],
            ),
            ("座机010-88886666", "座机010-********", &[Landline]),
            (
                "家里0571-87654321没人接",
                "家里0571-********没人接",
                &[Landline],
            ),
            ("电话 87654321", "电话 ********", &[Landline]),
            (
                "身份证110101199003074514办不了",
                "身份证******************办不了",
                &[IdNumber],
            ),
            (
                "证件11010119900307408x",
                "证件******************",
                &[IdNumber],
            ),
            (
                "邮箱 wang.li@example.com 联系",
                "邮箱 w******@example.com 联系",
                &[Email],
            ),
            (
                "工资卡6222021234567890128被冻结",
                "工资卡*******************被冻结",
                &[BankCard],
            ),
            (
                "银行卡号 6222 0212 3456 7890",
                "银行卡号 **** **** **** ****",
                &[BankCard],
            ),
            ("我叫张三丰，住幸福路", "我叫张**，住幸福路", &[Name]),
            ("联系人：欧阳娜娜", "联系人：欧阳**", &[Name]),
            ("姓名李明", "姓名李*", &[Name]),
            (
                "住户王芳（13655556666）确认",
                "住户王*（136********）确认",
                &[Mobile, Name],
            ),
            ("我是本小区业主", "我是本小区业主", &[]),
            ("我是王家村的村民", "我是王家村的村民", &[]),
            (
                "幸福路12号3栋2单元501室漏水",
                "幸福路**号*栋*单元***室漏水",
                &[Address],
            ),
            (
                "阳光小区三单元楼道灯坏了",
                "阳光小区*单元楼道灯坏了",
                &[Address],
            ),
            ("A座电梯停了", "*座电梯停了", &[Address]),
        ];
        for (text, want, kinds) in cases {
            let m = mask(text);
            assert_eq!(m.text, *want, "{text}");
            assert_eq!(m.found, kinds.to_vec(), "{text}");
        }
    }

    #[test]
    fn ordinary_numbers_stay() {
        for text in [
            "3月5号起停水已经一周",
            "地铁2号线站口积水",
            "工单号GD202611030001未回复",
            "共120户，每户交了3000元",
            "2026-11-03上午九点",
            "身份证明开不出来",
            "12345热线说会处理",
            "订单号12345678901234567",
        ] {
            let m = mask(text);
            assert_eq!(m.text, text, "{text}");
            assert!(m.found.is_empty(), "{text}: {:?}", m.found);
        }
    }

    #[test]
    fn several_kinds_in_one_text() {
        let m = mask("我叫刘洋，电话15912345678，住和平路8号，邮箱liu@qq.com");
        assert_eq!(
            m.text,
            "我叫刘*，电话159********，住和平路*号，邮箱l**@qq.com"
        );
        assert_eq!(m.found, vec![Email, Mobile, Name, Address]);
    }

    #[test]
    fn checks() {
        assert!(is_id_number("110101199003074514"));
        assert!(!is_id_number("110101199003074515"));
        assert!(is_id_number("11010119900307408X"));
        assert!(!is_id_number("110101199013074514"));
        assert!(luhn("6222021234567890128"));
        assert!(!luhn("6222021234567890127"));
        assert!(is_mobile("19912345678") && !is_mobile("12912345678"));
        assert!(is_landline("01088886666") && !is_landline("00188886666"));
    }
}
