# ducha — English messages, area secrets. Key `a.b_c` is Fluent id `a-b_c`.
ui-contact_unreadable = Contact details cannot be decrypted (key missing or data moved)
