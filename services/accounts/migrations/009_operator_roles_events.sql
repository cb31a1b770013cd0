-- accounts.operator.roles_set (issue 20): notify keeps a projection of the operators and
-- their roles. Operators made before the event existed get one event each here, appended
-- as events_append would (outbox_head serialises the sequence), so the projection starts
-- complete. Payload: OperatorRolesSet {person_id = 1, roles = 2} in protobuf wire format
-- (0x0a, length 36, the uuid; per role 0x12, its length, the role).
WITH ops AS (
    SELECT id, operator_roles, row_number() OVER (ORDER BY created_at, id) AS n,
           count(*) OVER () AS total
      FROM persons WHERE cardinality(operator_roles) > 0),
h AS (UPDATE outbox_head SET seq = seq + (SELECT count(*) FROM ops) RETURNING seq)
INSERT INTO outbox (seq, id, type, subject, payload)
SELECT h.seq - ops.total + ops.n, gen_random_uuid(), 'accounts.operator.roles_set',
       'person/' || ops.id,
       '\x0a24'::bytea || convert_to(ops.id::text, 'UTF8')
       || (SELECT string_agg('\x12'::bytea || set_byte('\x00'::bytea, 0, octet_length(r))
                             || convert_to(r, 'UTF8'), ''::bytea)
             FROM unnest(ops.operator_roles) r)
  FROM ops, h;
