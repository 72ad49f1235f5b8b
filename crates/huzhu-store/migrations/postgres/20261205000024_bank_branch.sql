-- 开户行 (issue 13): the bank branch where a member's account is held, written by the roster import
-- beside the account; copied into each payout line when a batch is built (the bank file names it);
-- and proposed with a new account, confirmed with it (bank_changes.new_branch). NULL: not given.
ALTER TABLE members ADD COLUMN bank_branch TEXT;
ALTER TABLE payout_lines ADD COLUMN bank_branch TEXT;
ALTER TABLE bank_changes ADD COLUMN new_branch TEXT;
