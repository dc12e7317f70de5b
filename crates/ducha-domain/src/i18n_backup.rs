//! Message catalogue of `ducha backup` and `ducha restore`: why a backup or a restore is
//! refused (nothing is changed when it is).

pub(crate) const BACKUP: &[(&str, &str, &str)] = &[
    (
        "backup.target_exists",
        "备份目录已存在：{path}（每次备份写入一个新目录）",
        "The backup directory already exists: {path} (each backup goes to a new directory)",
    ),
    (
        "backup.manifest_unreadable",
        "备份清单缺失或无法读取：{path}",
        "The backup's manifest is missing or unreadable: {path}",
    ),
    (
        "backup.bad_path",
        "备份清单列出的路径不安全：{file}",
        "The backup's manifest lists an unsafe path: {file}",
    ),
    (
        "backup.file_missing",
        "备份不完整，缺少文件：{file}",
        "The backup is incomplete: {file} is missing",
    ),
    (
        "backup.file_corrupt",
        "备份文件已损坏（大小或 SHA-256 与清单不符）：{file}",
        "A file of the backup is corrupt (its size or SHA-256 differs from the manifest): {file}",
    ),
    (
        "backup.no_database",
        "备份清单中没有数据库文件",
        "The backup's manifest names no database file",
    ),
    (
        "backup.wrong_backend",
        "该备份来自 {backup} 数据库，不能恢复到 {target} 数据库",
        "This backup is of a {backup} database and cannot be restored into {target}",
    ),
    (
        "backup.newer_schema",
        "备份的数据库结构版本 {backup} 高于本程序支持的 {known}，请先升级 ducha",
        "The backup's schema version {backup} is newer than this ducha knows ({known}); upgrade ducha first",
    ),
    (
        "backup.target_not_empty",
        "目标数据库不为空：{target}（确认替换请加 --force）",
        "The target database is not empty: {target} (add --force to replace it)",
    ),
    (
        "backup.target_encoding",
        "目标数据库的编码是 {encoding}，需要 UTF8",
        "The target database's encoding is {encoding}; UTF8 is required",
    ),
    (
        "backup.checkpoints_exist",
        "检查点文件已存在：{path}（它属于另一条事件链；确认替换请加 --force）",
        "The checkpoint file already exists: {path} (it belongs to another chain; add --force to replace it)",
    ),
    (
        "backup.tool_missing",
        "找不到 {tool}：请安装 PostgreSQL 客户端（Debian 软件包 postgresql-client）",
        "{tool} was not found: install the PostgreSQL client (Debian package postgresql-client)",
    ),
    (
        "backup.head_mismatch",
        "恢复后的链头 {got} 与备份清单记录的 {want} 不符",
        "The restored chain head {got} differs from the one the manifest recorded, {want}",
    ),
];
