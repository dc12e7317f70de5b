# ducha — English messages, area backup. Key `a.b_c` is Fluent id `a-b_c`.
backup-target_exists = The backup directory already exists: { $path } (each backup goes to a new directory)
backup-manifest_unreadable = The backup's manifest is missing or unreadable: { $path }
backup-bad_path = The backup's manifest lists an unsafe path: { $file }
backup-file_missing = The backup is incomplete: { $file } is missing
backup-file_corrupt = A file of the backup is corrupt (its size or SHA-256 differs from the manifest): { $file }
backup-no_database = The backup's manifest names no database file
backup-wrong_backend = This backup is of a { $backup } database and cannot be restored into { $target }
backup-newer_schema = The backup's schema version { $backup } is newer than this ducha knows ({ $known }); upgrade ducha first
backup-target_not_empty = The target database is not empty: { $target } (add --force to replace it)
backup-target_encoding = The target database's encoding is { $encoding }; UTF8 is required
backup-checkpoints_exist = The checkpoint file already exists: { $path } (it belongs to another chain; add --force to replace it)
backup-tool_missing = { $tool } was not found: install the PostgreSQL client (Debian package postgresql-client)
backup-head_mismatch = The restored chain head { $got } differs from the one the manifest recorded, { $want }
