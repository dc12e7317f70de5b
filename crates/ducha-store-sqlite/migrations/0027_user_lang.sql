-- A user's language ('zh-CN' or 'en'): the language their e-mails, text messages and digests
-- are written in, set when they switch the pages' language and on their own account page.
ALTER TABLE users ADD COLUMN lang TEXT NOT NULL DEFAULT 'zh-CN';
