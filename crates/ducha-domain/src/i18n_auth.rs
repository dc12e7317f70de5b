//! Message catalogue of authentication: the password policy, two-factor login, the first-login
//! password change, the login throttle and their pages' words.

pub(crate) const AUTH: &[(&str, &str, &str)] = &[
    (
        "event.user.password_changed",
        "用户修改密码",
        "Password changed by its user",
    ),
    (
        "validation.password_common",
        "该密码过于常见，容易被猜中，请换一个",
        "This password is too common and easily guessed; choose another",
    ),
    (
        "validation.password_has_username",
        "密码不能包含用户名",
        "The password must not contain the user name",
    ),
    (
        "validation.password_reused",
        "不能使用最近用过的5个密码",
        "None of the last 5 passwords may be used again",
    ),
    (
        "validation.password_current",
        "当前密码不正确",
        "The current password is wrong",
    ),
    (
        "validation.totp_active",
        "已启用双因素认证；如需重新绑定，请先停用",
        "Two-factor login is on; turn it off before enrolling again",
    ),
    (
        "validation.totp_not_started",
        "请先开始绑定",
        "Start the enrolment first",
    ),
    (
        "validation.totp_wrong",
        "验证码不正确或已使用",
        "The code is wrong or was already used",
    ),
    (
        "error.code_wrong",
        "验证码不正确或已使用；连续失败多次后账号将临时锁定",
        "The code is wrong or was already used; repeated failures lock the account for a while",
    ),
    (
        "error.throttled",
        "来自该地址的登录失败次数过多，请稍后再试",
        "Too many failed logins from this address; try again later",
    ),
    (
        "error.login_pending",
        "登录尚未完成：请先完成下一步",
        "The login is not complete: finish the next step first",
    ),
    // Pages.
    ("auth.account_security", "账号安全", "Account security"),
    ("auth.twofactor", "双因素认证", "Two-factor login"),
    (
        "auth.twofactor_on",
        "已启用：登录时需输入验证器应用中的动态验证码。",
        "On: logging in asks for the code from your authenticator app.",
    ),
    ("auth.twofactor_off", "未启用。", "Off."),
    (
        "auth.enrol_required",
        "您的角色要求启用双因素认证，启用前不能办理业务。",
        "Your role requires two-factor login; no business pages until it is on.",
    ),
    ("auth.start", "开始绑定验证器", "Set up an authenticator"),
    (
        "auth.enrol_help",
        "用验证器应用（如手机令牌）扫描二维码，或手工输入密钥，然后输入应用显示的6位验证码。",
        "Scan the QR code with an authenticator app, or type in the secret, then enter the 6-digit code it shows.",
    ),
    (
        "auth.enrol_title",
        "绑定双因素认证",
        "Set up two-factor login",
    ),
    ("auth.qr", "绑定二维码", "Enrolment QR code"),
    ("auth.secret", "密钥", "Secret"),
    ("auth.code", "验证码", "Code"),
    ("auth.confirm", "确认启用", "Turn on"),
    (
        "auth.disable",
        "停用（需输入当前验证码）",
        "Turn off (needs a current code)",
    ),
    (
        "auth.enrolled",
        "双因素认证已启用。",
        "Two-factor login is on.",
    ),
    ("auth.recovery_title", "恢复码", "Recovery codes"),
    (
        "auth.recovery_once",
        "以下10个恢复码只显示这一次，每个只能使用一次；手机丢失时可代替验证码登录。请抄写或打印后妥善保管。",
        "These 10 recovery codes are shown this once and each works once, in place of a code if your phone is lost. Write them down or print them and keep them safe.",
    ),
    ("auth.recovery_left", "剩余恢复码", "Recovery codes left"),
    ("auth.continue", "继续", "Continue"),
    ("auth.code_title", "输入验证码", "Enter your code"),
    (
        "auth.code_help",
        "请输入验证器应用显示的6位验证码，或一个恢复码。",
        "Enter the 6-digit code from your authenticator app, or a recovery code.",
    ),
    ("auth.change_title", "设置新密码", "Choose a new password"),
    (
        "auth.change_help",
        "您的密码由管理员设置，请先设置只有您知道的新密码：至少10位，含字母和数字，不能是常见密码、不能包含用户名、不能与最近5个密码相同。",
        "An administrator set your password: choose one only you know first — at least 10 characters with letters and digits, not a common password, not containing your user name, none of your last 5.",
    ),
    ("auth.new_password", "新密码", "New password"),
    (
        "auth.new_password_again",
        "再次输入新密码",
        "New password again",
    ),
    (
        "auth.passwords_differ",
        "两次输入的新密码不一致",
        "The two new passwords differ",
    ),
];
