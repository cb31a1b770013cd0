-- The operator role content_editor (issue 23): writes and publishes the portal's articles
-- and edits the site settings (services/market), without the other powers of admin.
ALTER TABLE persons DROP CONSTRAINT persons_operator_roles_check;
ALTER TABLE persons ADD CONSTRAINT persons_operator_roles_check
    CHECK (operator_roles <@ ARRAY['reviewer', 'quoter', 'finance', 'ca_officer', 'admin',
                                   'market_admin', 'content_editor']);
