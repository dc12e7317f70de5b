-- A user's position (职务): how the workbench greets a leader ("您好，林志远市长") and how
-- documents and lists name the person, e.g. 市长, 副市长（城建、交通、应急）, 局长. Empty for most.
ALTER TABLE users ADD COLUMN position TEXT NOT NULL DEFAULT '';
