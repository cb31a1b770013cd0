-- People registered by mobile phone. The phone and the ID number are stored only
-- sealed (AES-256-GCM, common/crypto.h) with an HMAC look-up hash for equality.
CREATE TABLE persons (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    phone_enc         bytea NOT NULL,
    phone_hash        text NOT NULL UNIQUE,
    phone_masked      text NOT NULL,
    password_hash     text NOT NULL,
    name              text,
    email             text,
    address           text,
    position          text,
    -- personal real-name verification (个人实名认证); read-only once set
    verified_at       timestamptz,
    id_number_enc     bytea,
    id_number_hash    text UNIQUE,
    id_number_masked  text,
    -- platform staff and financial-institution staff
    operator_roles    text[] NOT NULL DEFAULT '{}'
                      CHECK (operator_roles <@ ARRAY['reviewer', 'quoter', 'finance', 'ca_officer', 'admin']),
    institution_id    text,
    disabled          boolean NOT NULL DEFAULT false,
    -- lockout: 5 failures lock for LOGIN_LOCKOUT_S; captcha from the 4th attempt.
    -- An attempt is counted before its secret is checked and refunded on success, so
    -- concurrent guesses cannot exceed the limit (services/accounts/README.md).
    failed_logins     integer NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
    locked_until      timestamptz,
    password_changed_at timestamptz NOT NULL DEFAULT now(),
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);

-- Agreement versions a person accepted (注册服务协议 and later ones).
CREATE TABLE agreement_acceptances (
    person_id     uuid NOT NULL REFERENCES persons(id),
    agreement_id  text NOT NULL,
    version       text NOT NULL,
    client_ip     text,
    accepted_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (person_id, agreement_id, version)
);
