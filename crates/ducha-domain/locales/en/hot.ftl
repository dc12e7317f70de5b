# ducha — English messages, area hot. Key `a.b_c` is Fluent id `a-b_c`.

# Events.
event-hot-turned = Hot issue made an item
event-hot-merged = Hot issue merged into an item
event-appeal-rated = Citizen rated the outcome

# States and answers.
hot_state-open = Open
hot_state-item = Made an item
hot_state-merged = Merged into an item
hot_state-absorbed = Joined into another
hot_state-returned = Returned

# Refusals.
hot-already_linked = This hot issue is already linked to an item
hot-unknown_item = No such item in your jurisdiction
hot-item_closed = The item is closed: nothing can be merged into it
hot-not_closed = You can rate once the item is closed
hot-already_rated = You have rated this already, thank you

# The office's pages.
hot-title = Hot issues
hot-of_appeal = Its hot issue
hot-lead = Similar appeals are grouped into hot issues, largest first; make an item of one or merge it into an existing item.
hot-none = No hot issues yet
hot-count = Appeals
hot-issue = What people say
hot-places = Places
hot-trend = Appeals per week
hot-week = Week (Monday)
hot-last = Latest
hot-pieces = {" "}appeals
hot-appeals = Appeals in this hot issue
hot-to_item = Make an item of it
hot-to_item_hint = Registered as a public 三最 item (a draft), then approved and dispatched as usual; submitters follow its progress by their code.
hot-make_item = Make the item
hot-merge = Merge into an existing item
hot-merge_item = Item id
hot-merge_button = Merge
hot-linked_hint = This hot issue is linked to an item; appeals joining it later are linked too.
hot-satisfaction = Submitters' rating
hot-returned_hint = The complaint came back after its item closed: reopen it or make a new item.
toast-hot_turned = Item made: complete it and submit it for approval
toast-hot_merged = Merged into the item

# The public pages.
hot-pub_none = No hot issues this month
hot-pub_month = This month
hot-pub_done = What is being done
hot-pub_pending = Under review
hot-rate_q = The item is closed. Are you satisfied with the outcome?
hot-comment = Comment (optional)
hot-rate = Send
hot-thanks = Thank you for your rating
hot-your_rating = Your rating
