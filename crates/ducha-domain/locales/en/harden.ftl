# ducha — English messages, area harden. Key `a.b_c` is Fluent id `a-b_c`.
validation-too_many_fields = The form has too many fields; nothing was done
validation-too_many_files = At most 20 files can be uploaded at once
