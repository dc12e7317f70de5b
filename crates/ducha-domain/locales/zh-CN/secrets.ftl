# 督查 (ducha) — 简体中文 messages, area secrets. Key `a.b_c` is Fluent id `a-b_c`.
ui-contact_unreadable = 联系方式无法解密（密钥缺失或数据被移动）
