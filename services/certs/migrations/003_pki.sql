-- pki (issue 17): the OCSP responders' delegated certificates (one per issuing CA, short
-- validity, renewed by the daily job) and the TSA's certificate live beside the CAs in
-- `cas`, their keys sealed the same way (aad certs.cas.key/<name>); the TSA's serials
-- come from a sequence, so that replicas never hand out the same one.

ALTER TABLE cas DROP CONSTRAINT cas_role_check;
ALTER TABLE cas ADD CONSTRAINT cas_role_check CHECK (role IN ('root', 'issuing', 'ocsp', 'tsa'));

CREATE SEQUENCE tsa_serial;
