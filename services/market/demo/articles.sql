-- Demo articles of the local stack (deploy/local/demo-data.sh, as the market role): policy
-- notices for Hunan and Hebei (written for the demo: the authorities are real offices,
-- the notices and their numbers are not), news, a notice and 关于我们. Idempotent: fixed
-- ids. Bodies are plain paragraphs (no Markdown syntax, no & < > or ASCII quotes), so
-- their HTML is the paragraphs in <p>, which is what markdown.c renders for them; an
-- edit through the API renders the body again.
INSERT INTO articles (id, category, title, summary, body, source, source_url, authority,
                      effective_on, expires_on, region_codes, tags, state, pinned, pin_order,
                      created_by, updated_by, published_at)
VALUES
 ('00000000-0000-4000-8200-000000000001', 'policy',
  '湖南省关于做好2026年度中小微企业贷款贴息工作的通知',
  '对省内中小微企业2026年新发放的流动资金贷款，按贷款市场报价利率的35%给予贴息，单户年度贴息最高50万元。',
  E'各市州财政局、地方金融管理局：\n\n为缓解中小微企业融资难融资贵问题，省财政统筹安排专项资金，对符合条件的中小微企业贷款给予贴息支持。\n\n支持对象为在湖南省内依法登记注册、纳税信用等级B级及以上的中小微企业。2026年1月1日至12月31日期间新发放的一年期以内流动资金贷款，按贷款市场报价利率的35%给予贴息，单户企业年度贴息金额最高50万元。\n\n企业可通过本平台提交融资需求并在放款后在线申报贴息，由合作银行出具付息凭证，经市州财政部门审核后拨付。',
  '湖南省财政厅', 'https://czt.hunan.gov.cn/', '湖南省财政厅 湖南省地方金融管理局',
  '2026-01-01', '2026-12-31', ARRAY['43'], ARRAY['贴息', '流动资金贷款'], 'published', true, 1,
  'system:demo', 'system:demo', now() - interval '20 days'),
 ('00000000-0000-4000-8200-000000000002', 'policy',
  '长沙市专精特新中小企业融资担保费补贴实施细则',
  '长沙市认定的专精特新中小企业通过政府性融资担保机构获得贷款的，按实际担保费的50%给予补贴。',
  E'为支持专精特新中小企业发展，降低企业融资成本，制定本细则。\n\n对长沙市认定的专精特新中小企业、专精特新小巨人企业，通过政府性融资担保机构获得单笔1000万元以下贷款的，按实际缴纳担保费的50%给予补贴，年担保费率超过1%的部分不予补贴。\n\n补贴每半年申报一次，企业在本平台提交担保合同和缴费凭证，市工业和信息化局会同市财政局审核后拨付。',
  '长沙市工业和信息化局', 'https://gxj.changsha.gov.cn/', '长沙市工业和信息化局 长沙市财政局',
  '2026-03-01', '2027-02-28', ARRAY['4301'], ARRAY['专精特新', '担保费补贴'], 'published', true, 2,
  'system:demo', 'system:demo', now() - interval '15 days'),
 ('00000000-0000-4000-8200-000000000003', 'policy',
  '湖南省支持专精特新“小巨人”企业高质量发展若干措施',
  '从融资、技改、人才三方面支持专精特新“小巨人”企业，设立首贷续贷中心，推广信用贷款和知识产权质押融资。',
  E'一、加大信贷支持。引导银行机构为专精特新企业单列信贷计划，推广纯信用贷款、知识产权质押贷款，首贷户贷款利率不高于同期贷款市场报价利率加50个基点。\n\n二、支持技术改造。对年度技术改造投资500万元以上的项目，按设备投资额的10%给予奖补，最高300万元。\n\n三、强化人才保障。企业引进的高层次人才按规定享受住房、子女入学等支持。',
  '湖南省工业和信息化厅', 'https://gxt.hunan.gov.cn/', '湖南省工业和信息化厅',
  '2026-05-01', NULL, ARRAY['43'], ARRAY['专精特新', '信用贷款', '知识产权质押'], 'published', false, 0,
  'system:demo', 'system:demo', now() - interval '12 days'),
 ('00000000-0000-4000-8200-000000000004', 'policy',
  '河北省小微企业融资担保降费奖补资金管理办法',
  '对年化担保费率不超过1%的政府性融资担保业务给予奖补，支持担保机构扩大小微企业业务规模。',
  E'第一条 为引导政府性融资担保机构降低小微企业担保费率，扩大业务规模，制定本办法。\n\n第二条 对省内政府性融资担保机构开展的单户担保金额1000万元以下、年化担保费率不超过1%的小微企业融资担保业务，按年化担保额的0.5%给予奖补。\n\n第三条 奖补资金按年度申报，由省财政厅会同省地方金融管理局审核拨付。',
  '河北省财政厅', 'https://czt.hebei.gov.cn/', '河北省财政厅 河北省地方金融管理局',
  '2026-02-01', '2028-01-31', ARRAY['13'], ARRAY['担保费补贴', '小微企业'], 'published', false, 0,
  'system:demo', 'system:demo', now() - interval '10 days'),
 ('00000000-0000-4000-8200-000000000005', 'policy',
  '沧州市支持中小企业首次贷款贴息政策',
  '沧州市中小企业首次获得银行贷款的，按实际支付利息的30%给予贴息，单户最高20万元。',
  E'为帮助更多中小企业获得首笔银行贷款，市政府决定实施首贷贴息政策。\n\n在沧州市登记注册、此前未在银行获得过经营性贷款的中小企业，2026年4月1日至12月31日期间首次获得一年期以内经营性贷款的，按实际支付利息的30%给予贴息，单户企业最高20万元。\n\n企业可在本平台金融超市选择合作银行的产品提交融资需求。',
  '沧州市人民政府办公室', 'https://www.cangzhou.gov.cn/', '沧州市人民政府办公室',
  '2026-04-01', '2026-12-31', ARRAY['1309'], ARRAY['首贷', '贴息'], 'published', false, 0,
  'system:demo', 'system:demo', now() - interval '8 days'),
 ('00000000-0000-4000-8200-000000000006', 'policy',
  '河北省2025年度中小企业技术改造贷款贴息申报通知',
  '2025年度技术改造项目贷款贴息申报已截止，本通知仅供查阅。',
  E'对2025年度实施技术改造且获得银行贷款的中小企业，按贷款市场报价利率的50%给予贴息。\n\n申报时间为2025年3月1日至12月31日，逾期不予受理。',
  '河北省工业和信息化厅', 'https://gxt.hebei.gov.cn/', '河北省工业和信息化厅',
  '2025-03-01', '2025-12-31', ARRAY['13'], ARRAY['技术改造', '贴息'], 'published', false, 0,
  'system:demo', 'system:demo', now() - interval '300 days'),
 ('00000000-0000-4000-8200-000000000011', 'news',
  '平台金融超市上线，十家金融机构首批入驻',
  '湘冀两地十家银行、担保、小贷和保理机构首批入驻，上架40款贷款产品。',
  E'平台金融超市正式上线，广发银行长沙分行、长沙银行、河北银行沧州分行等十家金融机构首批入驻，上架信用贷、抵押贷、担保贷和商票贴现等40款产品。\n\n企业完成认证后，可在线比较产品的利率、额度和期限，一键提交融资需求，由机构信贷员在线接单和审核。',
  '平台运营中心', '', '', NULL, NULL, '{}', ARRAY['金融超市'], 'published', true, 3,
  'system:demo', 'system:demo', now() - interval '6 days'),
 ('00000000-0000-4000-8200-000000000012', 'news',
  '广发银行长沙分行推出专精特新信用快贷',
  '面向专精特新企业的纯信用贷款，最高600万元，线上申请，随借随还。',
  E'广发银行长沙分行近日推出专精特新信用快贷，面向长沙市认定的专精特新中小企业，无需抵押，最高额度600万元，年利率3.8%起。\n\n企业可在平台金融超市搜索该产品并在线提交融资需求。',
  '广发银行长沙分行', '', '', NULL, NULL, '{}', ARRAY['专精特新', '信用贷款'], 'published', false, 0,
  'system:demo', 'system:demo', now() - interval '4 days'),
 ('00000000-0000-4000-8200-000000000013', 'news',
  '湖南省融资担保集团与平台签署合作协议',
  '双方将在线上担保审批、担保费补贴申报等方面开展合作。',
  E'湖南省融资担保集团与平台签署合作协议，双方将打通担保申请和审批流程，企业在平台提交的担保类融资需求可直接推送至担保机构。\n\n合作还包括担保费补贴的在线申报和进度查询。',
  '平台运营中心', '', '', NULL, NULL, '{}', ARRAY['融资担保'], 'published', false, 0,
  'system:demo', 'system:demo', now() - interval '2 days'),
 ('00000000-0000-4000-8200-000000000021', 'notice',
  '关于平台系统升级维护的公告',
  '平台将于本周六凌晨进行系统升级，期间部分功能暂停使用。',
  E'为提升服务质量，平台将于本周六0:00至6:00进行系统升级维护，期间融资需求提交和企业认证功能暂停使用，政策资讯浏览不受影响。\n\n给您带来的不便，敬请谅解。',
  '平台运营中心', '', '', NULL, NULL, '{}', ARRAY['系统维护'], 'published', false, 0,
  'system:demo', 'system:demo', now() - interval '1 day'),
 ('00000000-0000-4000-8200-000000000031', 'about',
  '关于我们',
  '面向中小微企业的综合金融服务平台。',
  E'本平台是面向中小微企业的综合金融服务平台，汇集银行、担保、小额贷款和商业保理等金融机构的产品，提供惠企政策查询、融资需求对接和企业认证等服务。\n\n客服电话和服务时间见页面底部。',
  '', '', '', NULL, NULL, '{}', '{}', 'published', false, 0,
  'system:demo', 'system:demo', now() - interval '30 days')
ON CONFLICT (id) DO NOTHING;

-- Plain paragraphs rendered as markdown.c renders them.
UPDATE articles
   SET body_html = '<p>' || replace(body, E'\n\n', E'</p>\n<p>') || E'</p>\n'
 WHERE created_by = 'system:demo' AND body_html = '';

INSERT INTO article_versions (article_id, version, snapshot, edited_by)
SELECT a.id, a.version, to_jsonb(a) - 'search_grams', 'system:demo'
  FROM articles a WHERE a.created_by = 'system:demo'
ON CONFLICT DO NOTHING;

UPDATE site_settings
   SET service_phone = '400-860-0731', service_hours = '工作日 8:30–17:30（法定节假日除外）',
       icp_number = '湘ICP备2026000001号-1',
       footer_links = '[{"title": "关于我们", "url": "/articles/00000000-0000-4000-8200-000000000031"},
                        {"title": "湖南省地方金融管理局", "url": "https://dfjrjgj.hunan.gov.cn/"},
                        {"title": "河北省地方金融管理局", "url": "https://dfjrjgj.hebei.gov.cn/"}]',
       updated_by = 'system:demo', updated_at = now()
 WHERE id = 1 AND updated_by = 'system:migration';
