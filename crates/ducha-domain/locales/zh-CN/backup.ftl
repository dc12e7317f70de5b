# 督查 (ducha) — 简体中文 messages, area backup. Key `a.b_c` is Fluent id `a-b_c`.
backup-target_exists = 备份目录已存在：{ $path }（每次备份写入一个新目录）
backup-manifest_unreadable = 备份清单缺失或无法读取：{ $path }
backup-bad_path = 备份清单列出的路径不安全：{ $file }
backup-file_missing = 备份不完整，缺少文件：{ $file }
backup-file_corrupt = 备份文件已损坏（大小或 SHA-256 与清单不符）：{ $file }
backup-no_database = 备份清单中没有数据库文件
backup-wrong_backend = 该备份来自 { $backup } 数据库，不能恢复到 { $target } 数据库
backup-newer_schema = 备份的数据库结构版本 { $backup } 高于本程序支持的 { $known }，请先升级 ducha
backup-target_not_empty = 目标数据库不为空：{ $target }（确认替换请加 --force）
backup-target_encoding = 目标数据库的编码是 { $encoding }，需要 UTF8
backup-checkpoints_exist = 检查点文件已存在：{ $path }（它属于另一条事件链；确认替换请加 --force）
backup-tool_missing = 找不到 { $tool }：请安装 PostgreSQL 客户端（Debian 软件包 postgresql-client）
backup-head_mismatch = 恢复后的链头 { $got } 与备份清单记录的 { $want } 不符
