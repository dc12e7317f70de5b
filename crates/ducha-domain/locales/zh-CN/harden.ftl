# 督查 (ducha) — 简体中文 messages, area harden. Key `a.b_c` is Fluent id `a-b_c`.
validation-too_many_fields = 表单字段过多，未作任何处理
validation-too_many_files = 一次最多上传20个文件
