-- notify's projection of accounts' operators (issue 20), from accounts.operator.roles_set
-- (all of a person's roles as they now are): the SMS, e-mail and in-site messages for "the
-- operators with a role" (a submitted certification → reviewer) are addressed from it, so
-- notify's event workers call no service. No contact data: addresses come from accounts'
-- GetContacts at send time, like everyone's.
CREATE TABLE operator_roles (
    person_id  uuid NOT NULL,
    role       text NOT NULL,
    PRIMARY KEY (person_id, role)
);
CREATE INDEX operator_roles_role ON operator_roles (role);
