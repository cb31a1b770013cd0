-- Demo catalogue of the local stack (deploy/local/demo-data.sh, as the market role):
-- 10 institutions with branches in Hunan and Hebei and 40 published products (four
-- templates per institution, terms varied by institution). Idempotent: fixed ids.
INSERT INTO institutions (id, kind, name, uscc, logo_url, description, created_by) VALUES
 ('00000000-0000-4000-8000-000000000001', 'bank', '广发银行长沙分行', '91430100MA4L0GF01X', '/logos/cgb.svg', '广发银行在湖南的分行，服务小微与科创企业。', 'system:demo'),
 ('00000000-0000-4000-8000-000000000002', 'bank', '长沙银行', '91430000183803981Y', '/logos/bcs.svg', '湖南省属城市商业银行。', 'system:demo'),
 ('00000000-0000-4000-8000-000000000003', 'bank', '湖南银行', '91430000MA4L0HN03K', '/logos/hnb.svg', '湖南省属法人银行。', 'system:demo'),
 ('00000000-0000-4000-8000-000000000004', 'bank', '河北银行沧州分行', '91130900MA0HB0401P', '/logos/hebb.svg', '河北银行在沧州的分行。', 'system:demo'),
 ('00000000-0000-4000-8000-000000000005', 'bank', '沧州银行', '91130900109841125X', '/logos/czb.svg', '沧州本地法人银行。', 'system:demo'),
 ('00000000-0000-4000-8000-000000000006', 'bank', '中国建设银行湖南省分行', '91430000MA4L0CB06Q', '/logos/ccb.svg', '国有大型商业银行。', 'system:demo'),
 ('00000000-0000-4000-8000-000000000007', 'guarantee', '湖南省融资担保集团', '91430000MA4L0DB07T', '/logos/hnguar.svg', '政府性融资担保机构。', 'system:demo'),
 ('00000000-0000-4000-8000-000000000008', 'microcredit', '长沙经开区小额贷款公司', '91430100MA4L0XD08W', '/logos/csxd.svg', '面向园区企业的小额贷款。', 'system:demo'),
 ('00000000-0000-4000-8000-000000000009', 'bill_funder', '湘江商票保理有限公司', '91430100MA4L0BL09E', '/logos/xjbl.svg', '商业汇票贴现与保理资金方。', 'system:demo'),
 ('00000000-0000-4000-8000-000000000010', 'bill_funder', '沧州渤海商业保理有限公司', '91130900MA0HB1010G', '/logos/bhbl.svg', '商票保理资金方。', 'system:demo')
ON CONFLICT DO NOTHING;

INSERT INTO branches (id, institution_id, name, address, region_code, phone)
SELECT ('00000000-0000-4000-8001-0000000000' || lpad(i::text, 2, '0'))::uuid,
       ('00000000-0000-4000-8000-0000000000' || lpad(i::text, 2, '0'))::uuid,
       CASE WHEN i IN (4, 5, 10) THEN '沧州运河支行' ELSE '长沙芙蓉支行' END,
       CASE WHEN i IN (4, 5, 10) THEN '沧州市运河区解放西路 1 号' ELSE '长沙市芙蓉区五一大道 1 号' END,
       CASE WHEN i IN (4, 5, 10) THEN '130903' ELSE '430102' END,
       CASE WHEN i IN (4, 5, 10) THEN '0317-2000000' ELSE '0731-82000000' END
  FROM generate_series(1, 10) i
ON CONFLICT DO NOTHING;
INSERT INTO branches (id, institution_id, name, address, region_code, phone)
SELECT ('00000000-0000-4000-8002-0000000000' || lpad(i::text, 2, '0'))::uuid,
       ('00000000-0000-4000-8000-0000000000' || lpad(i::text, 2, '0'))::uuid,
       CASE WHEN i IN (4, 5, 10) THEN '石家庄长安支行' ELSE '株洲天元支行' END,
       CASE WHEN i IN (4, 5, 10) THEN '石家庄市长安区中山东路 1 号' ELSE '株洲市天元区长江北路 1 号' END,
       CASE WHEN i IN (4, 5, 10) THEN '130102' ELSE '430211' END, ''
  FROM generate_series(1, 10) i
ON CONFLICT DO NOTHING;

INSERT INTO products (id, institution_id, name, state, rate_min_bp, rate_max_bp,
       amount_min_fen, amount_max_fen, term_min, term_max, term_unit, term_min_months,
       term_max_months, guarantees, target_regions, features, description,
       required_materials, search_text, search_grams, created_by, published_at)
SELECT ('00000000-0000-4000-8100-0000000' || lpad(i::text, 2, '0') || lpad(t.n::text, 3, '0'))::uuid,
       inst.id, short || t.suffix, 'published', t.rmin + i * 5, t.rmax + i * 5,
       t.amin, t.amax * (1 + i % 3), t.tmin, t.tmax, t.unit,
       CASE WHEN t.unit = '年' THEN 12 ELSE 1 END * t.tmin,
       CASE WHEN t.unit = '年' THEN 12 ELSE 1 END * t.tmax,
       t.g, CASE WHEN i IN (4, 5, 10) THEN ARRAY['13'] ELSE ARRAY['43'] END, t.f, t.d,
       ARRAY['营业执照', '法定代表人身份证', '近一年财务报表'],
       short || t.suffix || ' ' || inst.name || ' ' || array_to_string(t.f || t.g, ' '),
       market_grams(short || t.suffix || ' ' || inst.name || ' ' || array_to_string(t.f || t.g, ' ')),
       'system:demo', now() - make_interval(hours => i * 4 + t.n)
  FROM generate_series(1, 10) i
  JOIN institutions inst ON inst.id = ('00000000-0000-4000-8000-0000000000' || lpad(i::text, 2, '0'))::uuid
  CROSS JOIN LATERAL (SELECT regexp_replace(inst.name, '(长沙分行|沧州分行|湖南省分行|有限公司)$', '') AS short) s
  CROSS JOIN (VALUES
    (1, '·信用快贷', 375, 375, 100000000::bigint, 3000000000::bigint, 1, 12, '月', ARRAY['信用'], ARRAY['随借随还', '线上办理'], '纯信用、线上申请，随借随还。'),
    (2, '·抵押经营贷', 345, 480, 1000000000, 50000000000, 1, 5, '年', ARRAY['抵押'], ARRAY['额度高', '期限长'], '以房产或土地抵押，额度高、期限长。'),
    (3, '·科创贷', 360, 550, 500000000, 10000000000, 6, 36, '月', ARRAY['信用', '保证'], ARRAY['专精特新', '科技型企业'], '面向专精特新与科技型中小企业。'),
    (4, '·订单融资', 420, 650, 200000000, 5000000000, 3, 12, '月', ARRAY['质押', '保证'], ARRAY['应收账款', '供应链'], '以订单或应收账款质押融资。')
  ) t(n, suffix, rmin, rmax, amin, amax, tmin, tmax, unit, g, f, d)
ON CONFLICT DO NOTHING;
