-- Linking an upstream identity to an account whose owner is logged in, and passing the
-- relying party's `max_age` on to the provider.
--
-- `link_user_id`: the account a login through the provider is to be linked to (the person
-- started it from /account/linked); NULL for a plain login. `max_age`: the seconds the
-- provider's own login may be old at most (its `auth_time` is checked), NULL for no limit.
ALTER TABLE upstream_login ADD COLUMN link_user_id BIGINT;
ALTER TABLE upstream_login ADD COLUMN max_age BIGINT;
