-- make bench: POST /api/v1/region-lookups, one district by code with its parent chain
-- (a read that must reach PostgreSQL).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"codes":["430102"]}'
