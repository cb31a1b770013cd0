-- Portal content (issue 23): articles of the sections 惠企政策, 新闻资讯, 平台公告 and
-- 关于我们, their saved versions, and the one record of site settings.
CREATE TABLE articles (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    category      text NOT NULL CHECK (category IN ('policy', 'news', 'notice', 'about')),
    title         text NOT NULL,
    summary       text NOT NULL DEFAULT '',
    body          text NOT NULL DEFAULT '',   -- Markdown, as the editor wrote it
    body_html     text NOT NULL DEFAULT '',   -- rendered by markdown.c when saved
    cover_url     text NOT NULL DEFAULT '',
    source        text NOT NULL DEFAULT '',
    source_url    text NOT NULL DEFAULT '',
    authority     text NOT NULL DEFAULT '',
    effective_on  date,
    expires_on    date CHECK (expires_on IS NULL OR effective_on IS NULL OR expires_on >= effective_on),
    region_codes  text[] NOT NULL DEFAULT '{}', -- GB/T 2260 short codes; none: nationwide
    tags          text[] NOT NULL DEFAULT '{}',
    state         text NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'published', 'offline')),
    pinned        boolean NOT NULL DEFAULT false,
    pin_order     int NOT NULL DEFAULT 0,
    version       int NOT NULL DEFAULT 1,
    -- The search (articles.c): every character and adjacent pair of the title and summary.
    search_grams  text[] GENERATED ALWAYS AS (market_grams(title || ' ' || summary)) STORED,
    created_by    text NOT NULL,
    updated_by    text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    published_at  timestamptz
);
CREATE INDEX articles_grams ON articles USING gin (search_grams) WHERE state = 'published';
CREATE INDEX articles_regions ON articles USING gin (region_codes) WHERE state = 'published';
CREATE INDEX articles_published ON articles (published_at DESC, id) WHERE state = 'published';
CREATE INDEX articles_published_category ON articles (category, published_at DESC, id)
    WHERE state = 'published';
CREATE INDEX articles_pinned ON articles (pin_order, published_at DESC)
    WHERE state = 'published' AND pinned;
CREATE INDEX articles_edited ON articles (updated_at DESC, id);

-- Every saved content of an article (creation is version 1): an edit of a published
-- article keeps what was shown before. The row as it was saved, without the grams.
CREATE TABLE article_versions (
    article_id  uuid NOT NULL REFERENCES articles(id),
    version     int NOT NULL,
    snapshot    jsonb NOT NULL,
    edited_by   text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (article_id, version)
);

-- The one record of site settings shown on every page (site.c).
CREATE TABLE site_settings (
    id             smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    service_phone  text NOT NULL,
    service_hours  text NOT NULL,
    icp_number     text NOT NULL,
    footer_links   jsonb NOT NULL DEFAULT '[]',
    updated_by     text NOT NULL,
    updated_at     timestamptz NOT NULL DEFAULT now()
);
INSERT INTO site_settings (service_phone, service_hours, icp_number, footer_links, updated_by)
VALUES ('400-000-0000', '工作日 9:00–17:30', '', '[]', 'system:migration');
