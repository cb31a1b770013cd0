-- The 24-hour count of an enterprise's micro-deposits (StartMicroDeposit's limit).
CREATE INDEX micro_deposits_enterprise_day ON micro_deposits (enterprise_id, created_at);
