-- Report contact tokens were keyed with the screening key, which every role
-- holds and the public screening API uses: they are now keyed with the
-- console's index key. Old tokens are dropped and the console makes new ones
-- the next time it lists or opens reports (desk.IndexPending).
DELETE FROM report_tokens;
UPDATE reports SET indexed = 0;
