-- Staff role bill_quoter (issue 15): the officer of a bill funder (保理/商票资金方) who quotes,
-- and records the disbursement of, commercial-bill financing orders in billfin. billfin
-- checks the institution's kind; market only keeps the membership.
ALTER TABLE staff DROP CONSTRAINT staff_role_check;
ALTER TABLE staff ADD CONSTRAINT staff_role_check
    CHECK (role IN ('inst_admin', 'loan_officer', 'bill_quoter'));
