-- The operator role market_admin (issue 14): manages the market's institutions, their
-- branches and staff (services/market), without the other powers of admin.
ALTER TABLE persons DROP CONSTRAINT persons_operator_roles_check;
ALTER TABLE persons ADD CONSTRAINT persons_operator_roles_check
    CHECK (operator_roles <@ ARRAY['reviewer', 'quoter', 'finance', 'ca_officer', 'admin',
                                   'market_admin']);
