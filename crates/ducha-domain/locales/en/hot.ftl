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
hot-item_not_public = The item is not public, so the citizens could not follow it by their codes: merge into a public item or make a new item
hot-issue_title = Hot issue #{ $id }
hot-heading = { $category } · { $place } · { $n } appeals
hot-place_count = { $name }: { $n }
hot-satisfaction_line = Submitters' rating: satisfied { $satisfied } · basically satisfied { $basic } · dissatisfied { $dissatisfied }
hot-list_sep = ,{" "}
hot-proposed_title = Supervision of the { $topic } problem in { $place }
hot-proposed_description = Since { $since }, { $place } has received { $n } similar appeals (from { $places }), mainly about { $topic }. The units concerned are asked to verify and handle them.
hot-concept-noise = noise
hot-concept-light = street lights
hot-concept-drain = blocked drains
hot-concept-heating = heating
hot-concept-lift = broken lifts
hot-concept-wages = unpaid wages
hot-concept-parking = parking
hot-concept-garbage = rubbish collection
hot-concept-water = water supply
hot-concept-quality = tap water quality
hot-concept-road = damaged roads
hot-concept-cover = manhole covers
hot-concept-build = building work at night
hot-concept-fumes = cooking fumes
hot-concept-dance = square dancing noise
hot-concept-dogs = dogs
hot-concept-bus = bus services
hot-concept-leak = leaking roofs
hot-concept-fees = fees
hot-concept-trees = tree pruning
hot-concept-river = river pollution
hot-concept-farm = irrigation
hot-concept-stalls = street stalls
hot-concept-signal = traffic lights
hot-concept-fitness = fitness equipment
hot-concept-ebike = e-bike charging
hot-concept-school = around schools
hot-concept-none = recurring
