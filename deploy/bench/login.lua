-- wrk script: password logins of one account (make bench, figure "login").
-- BENCH_PHONE and BENCH_PASSWORD come from the environment.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = string.format('{"method":"password","phone":"%s","password":"%s"}',
	os.getenv("BENCH_PHONE"), os.getenv("BENCH_PASSWORD"))
