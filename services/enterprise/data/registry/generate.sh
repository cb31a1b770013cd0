#!/usr/bin/env bash
# Generates enterprises.csv, the business-registry sandbox's synthetic data set, from the
# bundled administrative divisions (../regions/*.csv). Deterministic: the same division
# files give the same output byte for byte, on any POSIX awk (mawk on a bare Debian, gawk,
# busybox; AWK=gawk picks one): the pseudo-random numbers come from our own Lehmer
# generator (MINSTD), never from awk's rand(), and strings are bytes (LC_ALL=C).
#   bash services/enterprise/data/registry/generate.sh            # writes enterprises.csv
#   bash services/enterprise/data/registry/generate.sh -o FILE    # elsewhere ("-" = stdout)
# Everything in the output is invented: see SOURCE.md.
set -euo pipefail
export LC_ALL=C

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REGIONS=$HERE/../regions
OUT=$HERE/enterprises.csv
if [[ ${1:-} == -o ]]; then
	OUT=${2:?"-o needs a file name"}
fi
for f in provinces.csv cities.csv areas.csv; do
	[[ -r $REGIONS/$f ]] || {
		printf 'generate.sh: %s/%s is missing\n' "$REGIONS" "$f" >&2
		exit 1
	}
done

generate() {
	${AWK:-awk} -F, -v seed=20240601 '
# ---- helpers ----------------------------------------------------------------------------
function unq(s) { gsub(/"/, "", s); return s }
# MINSTD (Park-Miller): products stay below 2^47, exact in any awk double.
function rnd(n) { state = (state * 48271) % 2147483647; return state % n }
function pick(list,    a, k) { k = split(list, a, " "); return a[rnd(k) + 1] }
function pad(n, w,    s) { s = n ""; while (length(s) < w) s = "0" s; return s }
function csvq(s) { gsub(/"/, "\"\"", s); return "\"" s "\"" }

# GB 32100 character values (no I, O, S, V, Z) and weights; GB 11714 body weights.
function uscc_check(code17,    i, sum, v) {
	sum = 0
	for (i = 1; i <= 17; i++) {
		v = index(UC, substr(code17, i, 1)) - 1
		sum += v * UW[i]
	}
	return substr(UC, (31 - sum % 31) % 31 + 1, 1)
}
function org_check(body8,    i, sum, v, c) {
	sum = 0
	for (i = 1; i <= 8; i++) {
		v = index("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", substr(body8, i, 1)) - 1
		sum += v * OW[i]
	}
	c = 11 - sum % 11
	return c == 10 ? "X" : c == 11 ? "0" : c ""
}
# A wrong check character: the next one in the character set.
function wrong_check(c) { return substr(UC, index(UC, c) % 31 + 1, 1) }
function uscc_of(auth_code, body8,    c17) {
	c17 = "91" auth_code body8 org_check(body8)
	return c17 uscc_check(c17)
}
function org_body(year, month,    b, i) {
	# Since October 2015 new enterprises get codes from the MA block; older ones kept the
	# digits of their organisation code.
	if (year > 2015 || (year == 2015 && month >= 10)) {
		b = "MA"
		for (i = 0; i < 6; i++)
			b = b substr(UC, rnd(30) + 1, 1)   # any of the first 30 (Y is rare)
		return b
	}
	b = ""
	for (i = 0; i < 8; i++)
		b = b rnd(10)
	return b
}
function short_city(n) {
	sub(/(市|地区)$/, "", n)
	return n
}
function days_in(y, m) {
	if (m == 2)
		return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28
	return (m == 4 || m == 6 || m == 9 || m == 11) ? 30 : 31
}

# ---- the divisions ----------------------------------------------------------------------
FILENAME ~ /provinces.csv$/ && FNR > 1 { pname[$1] = unq($2); next }
FILENAME ~ /cities.csv$/ && FNR > 1 { cname[$1] = unq($2); next }
FILENAME ~ /areas.csv$/ && FNR > 1 {
	# Counties proper: the statistical codes 7x-9x (development zones and the like) are
	# not GB/T 2260 divisions, and a county named 市辖区 is a placeholder.
	if (substr($1, 5, 1) >= 7 || unq($2) == "市辖区")
		next
	aname[$1] = unq($2)
	p = $4
	ncounty[p]++
	county[p, ncounty[p]] = $1
	if (substr($1, 1, 4) == CAPCITY[p]) {
		ncap[p]++
		capcounty[p, ncap[p]] = $1
	}
	next
}

BEGIN {
	state = seed
	UC = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	split("1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28", UW, " ")
	split("3 7 9 10 5 8 4 2", OW, " ")
	# Provinces and how many generated enterprises each gets; the capital city.
	split("43 42 44 11 31 33 32 51", PROV, " ")
	QUOTA["43"] = 70; QUOTA["42"] = 25; QUOTA["44"] = 30; QUOTA["11"] = 20
	QUOTA["31"] = 20; QUOTA["33"] = 20; QUOTA["32"] = 20; QUOTA["51"] = 20
	CAPCITY["43"] = "4301"; CAPCITY["42"] = "4201"; CAPCITY["44"] = "4401"
	CAPCITY["11"] = "1101"; CAPCITY["31"] = "3101"; CAPCITY["33"] = "3301"
	CAPCITY["32"] = "3201"; CAPCITY["51"] = "5101"
	SHORT["43"] = "湖南"; SHORT["42"] = "湖北"; SHORT["44"] = "广东"; SHORT["11"] = "北京"
	SHORT["31"] = "上海"; SHORT["33"] = "浙江"; SHORT["32"] = "江苏"; SHORT["51"] = "四川"

	# 字号 (trade names). None of them contains 麓谷, which the fixed records below own.
	BRANDS = "华信 中联 金石 远航 鼎盛 恒泰 瑞丰 宏达 博源 嘉禾 天成 汇通 永利 长青 " \
	         "星辰 锦程 正邦 东方 新睿 盛世 弘毅 润泽 海纳 聚力 启明 卓越 泰和 丰源 " \
	         "志远 合众 佳美 同创 凯旋 九州 德润 和光 明德 兴业 万邦 安泰 乐享 众诚 " \
	         "云帆 银河 青松 碧水 春晖 翔宇 信达 利民 祥和 昌盛 宝丰 通达 立信 优品 " \
	         "精诚 创新 伟业 绿源 晨曦 蓝海 骏马 红星 金桥 百川 鑫源 鸿运 天鹏"
	SURNAMES = "张 王 李 赵 刘 陈 杨 黄 周 吴 徐 孙 胡 朱 高 林 何 郭 马 罗 梁 宋 郑 谢 " \
	           "韩 唐 冯 于 董 萧 程 曹 袁 邓 许 傅 沈 曾 彭 吕 苏 卢 蒋 蔡 贾 丁 魏 薛 叶 " \
	           "余 潘 杜 戴 夏 钟 汪 田 任 姜 范 方 石 姚 谭 廖 邹 熊 金 陆 郝 孔 白 崔 " \
	           "康 毛 邱 秦 江 史 顾 侯 邵 孟 龙 万 段 雷 钱 汤 尹 黎 易 常 武 乔 贺 赖 龚 文"
	GIVEN = "伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀 霞 平 刚 桂 英 华 " \
	        "建 国 志 红 玉 兰 文 辉 鹏 飞 斌 宇 浩 凯 婷 雪 琳 晨 欣 怡 博 然 思 远 " \
	        "海 波 峰 亮 俊 春 梅 丹 萍 健 毅 晓 东 林 清 松 湘 楚 岳 沅 澧"
	ROADS = "人民路 解放路 中山路 建设路 新华路 长江路 黄河路 科技路 创业大道 工业园路 " \
	        "高新大道 滨江路 迎宾路 文化路 学府路 金星路 桐梓坡路 东风路 劳动路 环城路 " \
	        "望江路 青年路 发展大道 世纪大道 湘江路 和平路 光明路 团结路 振兴路 锦绣路"
	STREET_SUFFIX = "号 号 号 号附1号 号1栋"

	INDUSTRIES = "I I I C C C C F F F E E G G H L L M M K A R N O D"
	TRADE["I"] = "科技 信息技术 软件 网络科技 数据科技 智能科技"
	TRADE["C"] = "机械制造 新材料 食品 电子 精密机械 包装材料 纺织 汽车零部件"
	TRADE["F"] = "商贸 贸易 供应链管理 医药连锁 建材贸易"
	TRADE["E"] = "建设工程 建筑工程 路桥工程 装饰工程"
	TRADE["G"] = "物流 运输 仓储服务 冷链物流"
	TRADE["H"] = "餐饮管理 酒店管理"
	TRADE["L"] = "企业管理咨询 人力资源服务 广告 会展服务"
	TRADE["M"] = "检测技术 工程设计 环保科技 生物技术"
	TRADE["K"] = "置业 物业服务"
	TRADE["A"] = "农业科技 生态农业 茶业 种业"
	TRADE["R"] = "文化传媒 影视传媒 体育文化"
	TRADE["N"] = "环境工程 园林绿化"
	TRADE["O"] = "家政服务 汽车维修"
	TRADE["D"] = "新能源 电力工程 燃气"
	TAIL = "（依法须经批准的项目，经相关部门批准后方可开展经营活动）"
	SCOPE["I"] = "软件开发；信息技术咨询服务；数据处理和存储支持服务；信息系统集成服务；计算机软硬件及辅助设备零售"
	SCOPE["C"] = "通用设备制造（不含特种设备制造）；机械零部件加工；金属制品销售；货物进出口；技术进出口"
	SCOPE["F"] = "日用百货销售；五金产品批发；建筑材料销售；电子产品销售；国内贸易代理；供应链管理服务"
	SCOPE["E"] = "建设工程施工；住宅室内装饰装修；市政设施管理；园林绿化工程施工；土石方工程施工"
	SCOPE["G"] = "普通货物仓储服务（不含危险化学品等需许可审批的项目）；道路货物运输（不含危险货物）；国内货物运输代理；装卸搬运"
	SCOPE["H"] = "餐饮服务；餐饮管理；酒店管理；食品销售；会议及展览服务"
	SCOPE["L"] = "企业管理咨询；人力资源服务（不含职业中介活动、劳务派遣服务）；广告设计、代理；会议及展览服务；市场营销策划"
	SCOPE["M"] = "技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广；检验检测服务；工程技术服务（规划管理、勘察、设计、监理除外）"
	SCOPE["K"] = "房地产开发经营；物业管理；非居住房地产租赁；住房租赁；停车场服务"
	SCOPE["A"] = "谷物种植；蔬菜种植；茶叶种植；农产品的生产、销售、加工、运输、贮藏及其他相关服务；农业科学研究和试验发展"
	SCOPE["R"] = "组织文化艺术交流活动；广播电视节目制作经营；电影摄制服务；体育赛事策划；数字内容制作服务"
	SCOPE["N"] = "环境保护专用设备销售；水污染治理；固体废物治理；园林绿化工程施工；城市绿化管理"
	SCOPE["O"] = "家政服务；机动车修理和维护；洗车服务；日用电器修理；居民日常生活服务"
	SCOPE["D"] = "太阳能发电技术服务；电力设施器材销售；输电、供电、受电电力设施的安装、维修和试验；合同能源管理"
	# Trades whose scope differs from that of their section.
	SCOPE["食品"] = "食品生产；食品销售；农副食品加工；食用农产品初加工"
	SCOPE["纺织"] = "纺织品制造；服装制造；针纺织品及原料销售"
	SCOPE["电子"] = "电子元器件制造；电子产品销售；集成电路芯片及产品销售"
	SCOPE["新材料"] = "新材料技术研发；合成材料制造（不含危险化学品）；高性能纤维及复合材料销售"
	SCOPE["包装材料"] = "包装材料及制品销售；塑料制品制造；纸制品制造"
	SCOPE["汽车零部件"] = "汽车零部件及配件制造；汽车零配件批发；机械零件、零部件加工"
	SCOPE["医药连锁"] = "药品零售；医疗器械销售；保健食品（预包装）销售；日用百货销售"
	SCOPE["茶业"] = "茶叶种植；茶叶制品生产；食用农产品批发；茶具销售"
	SCOPE["种业"] = "主要农作物种子生产；农作物种子经营；农业科学研究和试验发展"
	SCOPE["燃气"] = "燃气经营；燃气燃烧器具安装、维修；住宅水电安装维护服务"
	SCOPE["汽车维修"] = "机动车修理和维护；汽车零配件零售；洗车服务"
	SCOPE["家政服务"] = "家政服务；养老服务；保洁服务；居民日常生活服务"
	SCOPE["置业"] = "房地产开发经营；非居住房地产租赁；住房租赁"
	SCOPE["物业服务"] = "物业管理；停车场服务；城市绿化管理；家政服务"
	SCOPE["冷链物流"] = "低温仓储（不含危险化学品等需许可审批的项目）；道路货物运输（不含危险货物）；供应链管理服务"
	SCOPE["广告"] = "广告设计、代理；广告制作；广告发布；图文设计制作"
	SCOPE["工艺品"] = "工艺美术品及礼仪用品制造（象牙及其制品除外）；刺绣工艺品销售；针纺织品销售"

	# Company forms, weighted by repetition: the type (企业类型) and the name suffix.
	NTYPES = split("1 1 1 1 1 1 1 1 1 1 1 1 2 2 2 3 3 4 4 5 5 6", TYPEPICK, " ")
	TYPE[1] = "有限责任公司（自然人投资或控股）"; SUFFIX[1] = "有限公司"
	TYPE[2] = "有限责任公司（自然人独资）"; SUFFIX[2] = "有限公司"
	TYPE[3] = "其他有限责任公司"; SUFFIX[3] = "有限责任公司"
	TYPE[4] = "有限责任公司（非自然人投资或控股的法人独资）"; SUFFIX[4] = "有限公司"
	TYPE[5] = "股份有限公司（非上市、自然人投资或控股）"; SUFFIX[5] = "股份有限公司"
	TYPE[6] = "有限责任公司（国有独资）"; SUFFIX[6] = "有限责任公司"
	CAPITALS = "10 30 50 50 100 100 100 200 200 300 500 500 500 800 1000 1000 2000 3000 " \
	           "5000 10000 20000 128.5 66.6667 1234.56 88.88 3.5"
	# 注销 and 吊销 drawn for every 11th and 13th generated record, 在业 for every 7th.
}

function gen_person(    n) {
	n = pick(SURNAMES) pick(GIVEN)
	if (rnd(3) > 0)
		n = n pick(GIVEN)
	return n
}

# Emits one record. auth_level: "county" or "city" (the registering authority).
function emit(uscc, name, rep, status, type, founded, capital, authority, ind, scope, addr, region) {
	if (uscc in seen_uscc || name in seen_name) {
		printf "generate.sh: duplicate %s %s\n", uscc, name > "/dev/stderr"
		exit 1
	}
	seen_uscc[uscc] = 1
	seen_name[name] = 1
	print uscc "," csvq(name) "," csvq(rep) "," status "," csvq(type) "," founded "," \
	      capital "," csvq(authority) "," ind "," csvq(scope) "," csvq(addr) "," region
}

function scope_of(ind, trade) { return (trade in SCOPE ? SCOPE[trade] : SCOPE[ind]) TAIL }
function city_part(c) { return cname[c] == "市辖区" || cname[c] == "县" ? "" : cname[c] }

# Address and authority of a county code.
function place_address(code,    p, c, a) {
	p = substr(code, 1, 2); c = substr(code, 1, 4)
	return pname[p] city_part(c) aname[code] pick(ROADS) (rnd(899) + 1) pick(STREET_SUFFIX)
}
function county_authority(code,    p, c, a) {
	p = substr(code, 1, 2); c = substr(code, 1, 4); a = aname[code]
	if (city_part(c) == "")
		return pname[p] a "市场监督管理局"
	if (a ~ /区$/)
		return cname[c] a "市场监督管理局"
	return a "市场监督管理局"
}
function city_authority(code,    p, c) {
	p = substr(code, 1, 2); c = substr(code, 1, 4)
	if (city_part(c) == "")
		return pname[p] "市场监督管理局"
	return cname[c] "市场监督管理局"
}
function city_auth_code(code,    p, c) {
	p = substr(code, 1, 2); c = substr(code, 1, 4)
	return city_part(c) == "" ? p "0000" : c "00"
}

# A fixed record: body8 given, check characters computed (wrong_check when bad == 1).
function fixed(region, body8, bad, name, rep, status, type, founded, capital, ind, trade,
               city_level, addr_tail,    code17, check, uscc, auth, authority, addr, p, c) {
	p = substr(region, 1, 2); c = substr(region, 1, 4)
	auth = city_level ? city_auth_code(region) : region
	authority = city_level ? city_authority(region) : county_authority(region)
	code17 = "91" auth body8 org_check(body8)
	check = uscc_check(code17)
	uscc = code17 (bad ? wrong_check(check) : check)
	addr = pname[p] city_part(c) aname[region] addr_tail
	emit(uscc, name, rep, status, type, founded, capital, authority, ind, scope_of(ind, trade),
	     addr, region)
}

END {
	print "uscc,name,legal_rep,status,type,founded_on,registered_capital_wan,authority,industry,business_scope,address,region_code"

	# ---- fixed records (README.md "Business registry" lists them; tests depend on them) ---
	# Happy path: 存续, Hunan.
	fixed("430104", "MA4L0K1A", 0, "长沙麓谷智联科技有限公司", "刘建华", "存续", TYPE[1],
	      "2016-03-18", "500", "I", "", 0, "麓谷大道627号创业大厦6楼601室")
	# 注销 and 吊销.
	fixed("430104", "MA4L2C3B", 0, "长沙麓谷精工机械制造有限公司", "陈志强", "注销", TYPE[1],
	      "2017-06-09", "300", "C", "", 0, "桐梓坡西路229号3栋")
	fixed("430104", "MA4L3D5C", 0, "长沙麓谷云仓商贸有限公司", "周丽", "吊销", TYPE[2],
	      "2018-09-26", "100", "F", "", 0, "麓松路680号")
	# Five more 存续 ones, and one 在业. Three have legal representatives who are KYC sandbox
	# citizens (the accounts README), for the legal representative check: 杨帆 (face fails),
	# 王建国 (face passes), 郑强 (carrier3/bank4); one has none on record (the check is refused).
	fixed("430104", "MA4L4E7D", 0, "长沙麓谷数据服务有限公司", "王海波", "存续", TYPE[1],
	      "2019-04-12", "1000", "I", "", 0, "文轩路27号麓谷钰园D2栋")
	fixed("430104", "MA4L5F9E", 0, "长沙麓谷新材料有限公司", "杨帆", "存续", TYPE[1],
	      "2015-12-01", "2000", "C", "新材料", 0, "岳麓西大道588号7栋")
	fixed("430104", "MA4L6G2F", 0, "长沙麓谷检测技术有限公司", "王建国", "存续", TYPE[4],
	      "2020-07-30", "800", "M", "", 0, "尖山路39号")
	fixed("430104", "MA4L7H4G", 0, "长沙麓谷供应链管理有限公司", "郑强", "存续", TYPE[1],
	      "2021-01-15", "300", "F", "", 0, "麓天路28号")
	fixed("430104", "MA4L8J6H", 0, "长沙麓谷文化传媒有限公司", "", "存续", TYPE[2],
	      "2022-05-20", "50", "R", "", 0, "麓枫路61号")
	# The legal representative 赵磊, whose liveness check never finishes (the saturation phase).
	fixed("430104", "MA4L9K8J", 0, "长沙湘江智能装备有限公司", "赵磊", "存续", TYPE[1],
	      "2022-09-09", "500", "C", "", 0, "麓谷大道999号")
	fixed("430104", "18372655", 0, "湖南麓谷发展股份有限公司", "杨国平", "在业", TYPE[5],
	      "2003-08-08", "12000", "K", "", 1, "麓谷大道658号")
	# Known to the registry with a check character that does not compute (DOMAIN.md: the
	# registry outranks the check character).
	fixed("430102", "18455730", 1, "长沙芙蓉老字号商贸有限公司", "谭德胜", "存续", TYPE[3],
	      "2001-05-16", "60", "F", "", 0, "五一大道389号")
	fixed("430103", "76328804", 1, "长沙天心湘绣工艺品有限公司", "彭春梅", "存续", TYPE[2],
	      "2004-11-02", "30", "C", "工艺品", 0, "书院路9号")
	fixed("420106", "71477912", 1, "武汉江城老码头物流有限公司", "熊建国", "吊销", TYPE[1],
	      "1999-03-23", "100", "G", "", 0, "中北路108号")

	# ---- generated records -------------------------------------------------------------
	k = 0
	for (pi = 1; pi <= 8; pi++) {
		p = PROV[pi]
		for (j = 0; j < QUOTA[p]; j++) {
			k++
			code = rnd(10) < 4 && ncap[p] ? capcounty[p, rnd(ncap[p]) + 1] \
			                               : county[p, rnd(ncounty[p]) + 1]
			c = substr(code, 1, 4)
			ind = pick(INDUSTRIES)
			t = TYPEPICK[rnd(NTYPES) + 1]
			year = 1996 + rnd(28)
			month = rnd(12) + 1
			day = rnd(days_in(year, month)) + 1
			founded = year "-" pad(month, 2) "-" pad(day, 2)
			status = k % 11 == 5 ? "注销" : k % 13 == 7 ? "吊销" : k % 7 == 3 ? "在业" : "存续"
			# 在业 is what older registrations still show.
			city_level = t == 5 || t == 6 || rnd(4) == 0
			place = rnd(5) == 0 ? SHORT[p] : city_part(c) == "" ? SHORT[p] : short_city(cname[c])
			for (tries = 0; tries < 50; tries++) {
				trade = pick(TRADE[ind])
				name = place pick(BRANDS) trade SUFFIX[t]
				if (!(name in seen_name))
					break
			}
			for (tries = 0; tries < 50; tries++) {
				auth = city_level ? city_auth_code(code) : code
				uscc = uscc_of(auth, org_body(year, month))
				if (!(uscc in seen_uscc))
					break
			}
			capital = t == 6 ? "50000" : pick(CAPITALS)
			authority = city_level ? city_authority(code) : county_authority(code)
			emit(uscc, name, gen_person(), status, TYPE[t], founded, capital, authority, ind,
			     scope_of(ind, trade), place_address(code), code)
		}
	}
}
' "$REGIONS/provinces.csv" "$REGIONS/cities.csv" "$REGIONS/areas.csv"
}

if [[ $OUT == - ]]; then
	generate
else
	tmp=$(mktemp "$OUT.XXXXXX")
	trap 'rm -f "$tmp"' EXIT
	generate >"$tmp"
	mv "$tmp" "$OUT"
	trap - EXIT
	printf 'generate.sh: wrote %s (%d enterprises)\n' "$OUT" "$(($(wc -l <"$OUT") - 1))"
fi
