-- wrk script: password logins (make bench, figure "login"). BENCH_PHONES is a
-- space-separated list of accounts sharing BENCH_PASSWORD; each thread takes
-- its own half and goes round it, so no account has several logins in flight
-- (the lockout counter charges an attempt before checking it).
local phones, bodies, i = {}, {}, 0
for p in string.gmatch(os.getenv("BENCH_PHONES") or "", "%d+") do
	phones[#phones + 1] = p
end
local counter = 0

function setup(thread)
	counter = counter + 1
	thread:set("id", counter)
end

function init(args)
	local n = #phones
	for k = id, n, 2 do
		bodies[#bodies + 1] = string.format('{"method":"password","phone":"%s","password":"%s"}',
			phones[k], os.getenv("BENCH_PASSWORD"))
	end
	wrk.method = "POST"
	wrk.headers["Content-Type"] = "application/json"
end

function request()
	i = i % #bodies + 1
	return wrk.format(nil, nil, nil, bodies[i])
end
