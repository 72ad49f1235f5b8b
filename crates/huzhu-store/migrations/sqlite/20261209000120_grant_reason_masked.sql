-- A relief refused `already_granted` kept the whole uniqueness key in its reason, and the key
-- holds the subject's ID number (issue 15). The reason now names the first grant by number and
-- org only (huzhu_store::grant::already_granted_reason); existing rows are rewritten the same
-- way, and the subject's ID number left in a reason (the engine's words name the earlier grant's
-- key) is masked as huzhu_domain::personal::mask_middle masks it (first 4, last 4). One text for
-- both backends.

-- The store's words: "已有同一键的救助 N (ORG，KEY) (…)" → "已有同一键的救助 N (ORG) (…)".
UPDATE grants
SET reason = REPLACE(reason, '，' || grant_key || ')', ')')
WHERE reason LIKE 'already_granted:%';

-- The engine's words: "已于 DATE 发放 CYCLE:ID-NUMBER (…)": the subject's ID number masked.
UPDATE grants
SET reason = REPLACE(reason, subject_id_number,
    SUBSTR(subject_id_number, 1, 4) || '**********' || SUBSTR(subject_id_number, 15, 4))
WHERE LENGTH(subject_id_number) = 18 AND reason LIKE ('%' || subject_id_number || '%');

UPDATE grants
SET reason = REPLACE(reason, subject_id_number,
    SUBSTR(subject_id_number, 1, 4) || '*******' || SUBSTR(subject_id_number, 12, 4))
WHERE LENGTH(subject_id_number) = 15 AND reason LIKE ('%' || subject_id_number || '%');
