-- The loan marketplace (金融超市): institutions, branches, staff, products and their
-- search, financing demands (融资需求) with the product's terms copied at submission,
-- and the daily sequence of demand numbers. Owned by institutions.c, staff.c,
-- products.c, search.c and demands*.c.

-- The characters and pairs of adjacent characters of lower(s) (spaces dropped): what the
-- product search indexes with GIN so that a Chinese substring of one or more characters
-- is found through the index whatever the database's locale (pg_trgm ignores CJK under
-- the C locale, and a trigram cannot serve a one- or two-character query).
CREATE FUNCTION market_grams(s text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT g), '{}')
    FROM (SELECT regexp_replace(lower(s), '\s+', '', 'g') AS t) x,
         LATERAL (SELECT substr(x.t, i, 1) AS g FROM generate_series(1, char_length(x.t)) i
                  UNION ALL
                  SELECT substr(x.t, i, 2) FROM generate_series(1, char_length(x.t) - 1) i) y
$$;

-- What a query needs: its one character, or every pair of adjacent characters.
CREATE FUNCTION market_query_grams(s text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN char_length(x.t) <= 1 THEN ARRAY[x.t]
         ELSE (SELECT array_agg(DISTINCT substr(x.t, i, 2))
                 FROM generate_series(1, char_length(x.t) - 1) i) END
    FROM (SELECT regexp_replace(lower(s), '\s+', '', 'g') AS t) x
$$;

CREATE TABLE institutions (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    kind        text NOT NULL CHECK (kind IN ('bank', 'guarantee', 'microcredit', 'bill_funder')),
    name        text NOT NULL UNIQUE,
    uscc        text NOT NULL UNIQUE,
    logo_url    text NOT NULL DEFAULT '',
    description text NOT NULL DEFAULT '',
    created_by  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE branches (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    institution_id uuid NOT NULL REFERENCES institutions(id),
    name           text NOT NULL,
    address        text NOT NULL DEFAULT '',
    region_code    text NOT NULL CHECK (region_code ~ '^[0-9]{6}([0-9]{3})?$'),
    phone          text NOT NULL DEFAULT '',
    created_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (institution_id, name)
);
CREATE INDEX branches_institution ON branches (institution_id, name);

-- Staff of an institution, the one authority on who acts for it: read on every
-- institution request. A person is active staff of one institution at most.
CREATE TABLE staff (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    institution_id uuid NOT NULL REFERENCES institutions(id),
    branch_id      uuid REFERENCES branches(id),
    person_id      uuid NOT NULL,
    phone_masked   text NOT NULL,
    name           text NOT NULL DEFAULT '',
    role           text NOT NULL CHECK (role IN ('inst_admin', 'loan_officer')),
    state          text NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'removed')),
    created_by     text NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    removed_at     timestamptz
);
CREATE UNIQUE INDEX staff_person_active ON staff (person_id) WHERE state = 'active';
CREATE INDEX staff_institution ON staff (institution_id, state, created_at DESC);

CREATE TABLE products (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    institution_id     uuid NOT NULL REFERENCES institutions(id),
    name               text NOT NULL,
    state              text NOT NULL DEFAULT 'draft'
                           CHECK (state IN ('draft', 'published', 'offline')),
    rate_min_bp        integer NOT NULL CHECK (rate_min_bp BETWEEN 1 AND 10000),
    rate_max_bp        integer NOT NULL CHECK (rate_max_bp BETWEEN rate_min_bp AND 10000),
    amount_min_fen     bigint NOT NULL CHECK (amount_min_fen BETWEEN 1 AND 9007199254740991),
    amount_max_fen     bigint NOT NULL
                           CHECK (amount_max_fen BETWEEN amount_min_fen AND 9007199254740991),
    term_min           integer NOT NULL CHECK (term_min >= 1),
    term_max           integer NOT NULL CHECK (term_max >= term_min),
    term_unit          text NOT NULL CHECK (term_unit IN ('月', '年')),
    -- The term range in months, for the term_months filter.
    term_min_months    integer NOT NULL,
    term_max_months    integer NOT NULL,
    guarantees         text[] NOT NULL CHECK (cardinality(guarantees) >= 1
                           AND guarantees <@ ARRAY['信用', '抵押', '保证', '质押']),
    target_regions     text[] NOT NULL DEFAULT '{}',  -- none: nationwide
    target_industries  text[] NOT NULL DEFAULT '{}',  -- none: any
    features           text[] NOT NULL DEFAULT '{}',
    description        text NOT NULL DEFAULT '',
    required_materials text[] NOT NULL DEFAULT '{}',
    -- market_grams(name, institution name, features, guarantees), written with the row
    -- (and again for every product of an institution that is renamed).
    search_grams       text[] NOT NULL DEFAULT '{}',
    search_text        text NOT NULL DEFAULT '',
    created_by         text NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    published_at       timestamptz
);
-- The public search (search.c; README "Search" has the plans at 100,000 products).
CREATE INDEX products_grams ON products USING gin (search_grams) WHERE state = 'published';
CREATE INDEX products_published_newest ON products (published_at DESC, id) WHERE state = 'published';
CREATE INDEX products_published_rate ON products (rate_min_bp, published_at DESC) WHERE state = 'published';
CREATE INDEX products_published_amount ON products (amount_max_fen DESC, published_at DESC) WHERE state = 'published';
CREATE INDEX products_published_institution ON products (institution_id, published_at DESC) WHERE state = 'published';
CREATE INDEX products_guarantees ON products USING gin (guarantees) WHERE state = 'published';
CREATE INDEX products_institution ON products (institution_id, updated_at DESC);

-- Financing demands (融资需求). The product's terms are copied at submission, so that an
-- edit of a published product leaves what the demand was made under.
CREATE TABLE demands (
    id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    no                    text NOT NULL UNIQUE,   -- PO + yyyymmdd (Asia/Shanghai) + 3 digits
    product_id            uuid NOT NULL REFERENCES products(id),
    institution_id        uuid NOT NULL REFERENCES institutions(id),
    branch_id             uuid REFERENCES branches(id),
    enterprise_id         uuid NOT NULL,
    enterprise_name       text NOT NULL,
    applicant_id          uuid NOT NULL,
    amount_fen            bigint NOT NULL CHECK (amount_fen BETWEEN 1 AND 9007199254740991),
    term                  integer NOT NULL CHECK (term >= 1),
    term_unit             text NOT NULL CHECK (term_unit IN ('月', '年')),
    expected_rate_bp      integer CHECK (expected_rate_bp BETWEEN 0 AND 10000),
    purpose               text NOT NULL DEFAULT '',
    agreements            text[] NOT NULL DEFAULT '{}',
    status                text NOT NULL DEFAULT 'pending'
                              CHECK (status IN ('pending', 'taken', 'approved', 'rejected',
                                                'disbursed', 'withdrawn')),
    -- the product's terms at submission
    product_name          text NOT NULL,
    institution_name      text NOT NULL,
    terms_rate_min_bp     integer NOT NULL,
    terms_rate_max_bp     integer NOT NULL,
    terms_amount_min_fen  bigint NOT NULL,
    terms_amount_max_fen  bigint NOT NULL,
    terms_term_min        integer NOT NULL,
    terms_term_max        integer NOT NULL,
    terms_term_unit       text NOT NULL,
    terms_guarantees      text[] NOT NULL,
    -- the institution's steps
    taken_by              uuid REFERENCES staff(id),
    taken_at              timestamptz,
    reviewed_by           uuid REFERENCES staff(id),
    reviewed_at           timestamptz,
    review_opinion        text,
    disbursed_amount_fen  bigint CHECK (disbursed_amount_fen BETWEEN 1 AND 9007199254740991),
    disbursed_on          date,
    loan_contract_no      text,
    disbursed_by          uuid REFERENCES staff(id),
    disbursed_at          timestamptz,
    withdrawn_at          timestamptz,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX demands_enterprise ON demands (enterprise_id, created_at DESC);
CREATE INDEX demands_institution ON demands (institution_id, created_at DESC);
CREATE INDEX demands_branch ON demands (branch_id, created_at DESC);

-- The daily sequence of demand numbers: one row per day (Asia/Shanghai), bumped with
-- INSERT … ON CONFLICT DO UPDATE … RETURNING in the submitting transaction, so numbers
-- are unique and, since a rolled-back submission rolls its bump back, gap-free.
CREATE TABLE demand_numbers (
    day  date PRIMARY KEY,
    last integer NOT NULL CHECK (last BETWEEN 1 AND 999)
);
