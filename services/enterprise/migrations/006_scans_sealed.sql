-- Certification scans as sensitive as the numbers on them (issue 13).
-- file_blobs.data is sealed (AES-256-GCM, aad "enterprise.file_blobs.data/<sha256>") from
-- now on; SQL has no key, so the rows already here are marked plaintext and sealed by the
-- service's start (enterprise_files_seal_existing) before it answers any request.
ALTER TABLE file_blobs ADD COLUMN sealed boolean NOT NULL DEFAULT false;

-- Uploads one application took (replacements included); certification_submit.c bounds it.
ALTER TABLE certifications ADD COLUMN file_uploads integer NOT NULL DEFAULT 0
    CHECK (file_uploads >= 0);
UPDATE certifications c SET file_uploads = (SELECT count(*) FROM files f
    WHERE f.owner_type = 'certification' AND f.owner_id = c.id);

-- Replaced uploads were kept; a replaced scan is deleted now, so the old ones go too.
DELETE FROM files f WHERE f.owner_type = 'certification'
    AND NOT EXISTS (SELECT 1 FROM certification_files cf WHERE cf.file_id = f.id);
DELETE FROM file_blobs b WHERE NOT EXISTS (SELECT 1 FROM files f WHERE f.sha256 = b.sha256);
