-- The demand lists: one index per side, in the lists' order (created_at DESC, no DESC), so
-- that each side's statement (demands.c) reads a page off its index without a sort.
DROP INDEX demands_enterprise;
DROP INDEX demands_institution;
DROP INDEX demands_branch;
CREATE INDEX demands_enterprise_listed ON demands (enterprise_id, created_at DESC, no DESC);
CREATE INDEX demands_institution_listed ON demands (institution_id, created_at DESC, no DESC);
CREATE INDEX demands_branch_listed ON demands (branch_id, created_at DESC, no DESC);
