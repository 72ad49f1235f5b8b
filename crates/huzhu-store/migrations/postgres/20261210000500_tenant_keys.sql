-- Every tenant table keyed by its city federation (issue 18: Citus readiness), PostgreSQL
-- flavour; SQLite's file of the same name only adds the unique keys the shared upserts name.
-- Citus (and plain PostgreSQL's PARTITION BY HASH (tenant_id)) requires of a distributed table
-- that its primary key and every unique key include the distribution column, and that a foreign
-- key between two distributed tables join on it. The tables made for the assistance programmes
-- were keyed by id alone; here they take tenant_id first, as members, claims and the ledger
-- always have. docs/scaling.md lists which tables are distributed, which are reference tables and
-- which stay on the coordinator; crates/huzhu-store/tests/citus.rs checks the schema against it.
--
-- Ids still come from one identity sequence per table, so an id stays unique across the province;
-- the database now promises it per city only. The old key keeps a plain index (`*_lookup`): the
-- store looks rows up by id alone. Re-adding a foreign key with the tenant checks the rows already
-- there: a child row whose tenant differs from its parent's (a bug) stops the migration, naming
-- the constraint.

-- 1. Foreign keys between tenant tables that name the parent by id alone go; section 5 puts
--    them back as (tenant_id, x_id) -> (tenant_id, id), so a row can only point into its own city.
ALTER TABLE campaign_gift_purchases DROP CONSTRAINT campaign_gift_purchases_campaign_id_fkey;
ALTER TABLE campaign_gift_purchases DROP CONSTRAINT campaign_gift_purchases_purchase_id_fkey;
ALTER TABLE donations DROP CONSTRAINT donations_deposit_id_fkey;
ALTER TABLE donations DROP CONSTRAINT donations_donor_id_fkey;
ALTER TABLE employment_employers DROP CONSTRAINT employment_employers_fair_id_fkey;
ALTER TABLE employment_placements DROP CONSTRAINT employment_placements_post_id_fkey;
ALTER TABLE employment_placements DROP CONSTRAINT employment_placements_seeker_id_fkey;
ALTER TABLE employment_posts DROP CONSTRAINT employment_posts_employer_id_fkey;
ALTER TABLE employment_posts DROP CONSTRAINT employment_posts_fair_id_fkey;
ALTER TABLE employment_seekers DROP CONSTRAINT employment_seekers_household_id_fkey;
ALTER TABLE employment_trainees DROP CONSTRAINT employment_trainees_course_id_fkey;
ALTER TABLE employment_trainees DROP CONSTRAINT employment_trainees_seeker_id_fkey;
ALTER TABLE household_events DROP CONSTRAINT household_events_household_id_fkey;
ALTER TABLE household_people DROP CONSTRAINT household_people_household_id_fkey;
ALTER TABLE legal_aid_cases DROP CONSTRAINT legal_aid_cases_lawyer_id_fkey;
ALTER TABLE legal_aid_events DROP CONSTRAINT legal_aid_events_case_id_fkey;
ALTER TABLE notice_objections DROP CONSTRAINT notice_objections_notice_id_fkey;
ALTER TABLE pairing_payments DROP CONSTRAINT pairing_payments_sponsor_id_fkey;
ALTER TABLE pairing_reports DROP CONSTRAINT pairing_reports_student_id_fkey;
ALTER TABLE pairing_sponsors DROP CONSTRAINT pairing_sponsors_student_id_fkey;
ALTER TABLE pairing_students DROP CONSTRAINT pairing_students_grant_id_fkey;
ALTER TABLE procurement_purchases DROP CONSTRAINT procurement_purchases_catalogue_id_fkey;
ALTER TABLE receipts DROP CONSTRAINT receipts_donation_id_fkey;
ALTER TABLE receipts DROP CONSTRAINT receipts_replaces_id_fkey;
ALTER TABLE recognition_nominations DROP CONSTRAINT recognition_nominations_call_id_fkey;
ALTER TABLE recognition_quota_use DROP CONSTRAINT recognition_quota_use_call_id_fkey;
ALTER TABLE recognition_scores DROP CONSTRAINT recognition_scores_expert_id_fkey;
ALTER TABLE recognition_scores DROP CONSTRAINT recognition_scores_nomination_id_fkey;
ALTER TABLE recuperation_batches DROP CONSTRAINT recuperation_batches_base_id_fkey;
ALTER TABLE recuperation_quotas DROP CONSTRAINT recuperation_quotas_batch_id_fkey;
ALTER TABLE recuperation_signups DROP CONSTRAINT recuperation_signups_batch_id_fkey;
ALTER TABLE service_offers DROP CONSTRAINT service_offers_team_id_fkey;
ALTER TABLE service_requests DROP CONSTRAINT service_requests_offer_id_fkey;
ALTER TABLE service_requests DROP CONSTRAINT service_requests_team_id_fkey;
ALTER TABLE statement_lines DROP CONSTRAINT statement_lines_donation_id_fkey;
ALTER TABLE statement_lines DROP CONSTRAINT statement_lines_statement_id_fkey;

-- 2. Primary keys take the tenant first; a plain index keeps the look-ups by the old key.
ALTER TABLE bank_changes DROP CONSTRAINT bank_changes_pkey,
    ADD CONSTRAINT bank_changes_pkey PRIMARY KEY (tenant_id, id);
CREATE INDEX bank_changes_id_lookup ON bank_changes (id);
ALTER TABLE bank_statements DROP CONSTRAINT bank_statements_pkey,
    ADD CONSTRAINT bank_statements_pkey PRIMARY KEY (tenant_id, id);
CREATE INDEX bank_statements_id_lookup ON bank_statements (id);
ALTER TABLE campaign_gift_purchases DROP CONSTRAINT campaign_gift_purchases_pkey,
    ADD CONSTRAINT campaign_gift_purchases_pkey PRIMARY KEY (tenant_id, campaign_id);
CREATE INDEX campaign_gift_purchases_campaign_id_lookup ON campaign_gift_purchases (campaign_id);
ALTER TABLE donations DROP CONSTRAINT donations_pkey,
    ADD CONSTRAINT donations_pkey PRIMARY KEY (tenant_id, id);
CREATE INDEX donations_id_lookup ON donations (id);
ALTER TABLE donors DROP CONSTRAINT donors_pkey,
    ADD CONSTRAINT donors_pkey PRIMARY KEY (tenant_id, id);
CREATE INDEX donors_id_lookup ON donors (id);
ALTER TABLE employment_courses DROP CONSTRAINT employment_courses_pkey,
    ADD CONSTRAINT employment_courses_pkey PRIMARY KEY (tenant_id, id);
CREATE INDEX employment_courses_id_lookup ON employment_courses (id);
ALTER TABLE employment_employers DROP CONSTRAINT employment_employers_pkey,
    ADD CONSTRAINT employment_employers_pkey PRIMARY KEY (tenant_id, id);
CREATE INDEX employment_employers_id_lookup ON employment_employers (id);
ALTER TABLE employment_fairs DROP CONSTRAINT employment_fairs_pkey,
    ADD CONSTRAINT employment_fairs_pkey PRIMARY KEY (tenant_id, id);
CREATE INDEX employment_fairs_id_lookup ON employment_fairs (id);
ALTER TABLE employment_placements DROP CONSTRAINT employment_placements_pkey,
    ADD CONSTRAINT employment_placements_pkey PRIMARY KEY (tenant_id, id);
CREATE INDEX employment_placements_id_lookup ON employment_placements (id);
ALTER TABLE employment_posts DROP CONSTRAINT employment_posts_pkey,
    ADD CONSTRAINT employment_posts_pkey PRIMARY KEY (tenant_id, id);
CREATE INDEX employment_posts_id_lookup ON employment_posts (id);
ALTER TABLE employment_seekers DROP CONSTRAINT employment_seekers_pkey,
    ADD CONSTRAINT employment_seekers_pkey PRIMARY KEY (tenant_id, id);
CREATE INDEX employment_seekers_id_lookup ON employment_seekers (id);
ALTER TABLE employment_trainees DROP CONSTRAINT employment_trainees_pkey,
    ADD CONSTRAINT employment_trainees_pkey PRIMARY KEY (tenant_id, id);
CREATE INDEX employment_trainees_id_lookup ON employment_trainees (id);
ALTER TABLE household_events DROP CONSTRAINT household_events_pkey,
    ADD CONSTRAINT household_events_pkey PRIMARY KEY (tenant_id, id);
CREATE INDEX household_events_id_lookup ON household_events (id);
ALTER TABLE household_people DROP CONSTRAINT household_people_pkey,
    ADD CONSTRAINT household_people_pkey PRIMARY KEY (tenant_id, id);
CREATE INDEX household_people_id_lookup ON household_people (id);
ALTER TABLE households DROP CONSTRAINT households_pkey,
    ADD CONSTRAINT households_pkey PRIMARY KEY (tenant_id, id);
CREATE INDEX households_id_lookup ON households (id);
ALTER TABLE legal_aid_cases DROP CONSTRAINT legal_aid_cases_pkey,
    ADD CONSTRAINT legal_aid_cases_pkey PRIMARY KEY (tenant_id, id);
CREATE INDEX legal_aid_cases_id_lookup ON legal_aid_cases (id);
ALTER TABLE legal_aid_events DROP CONSTRAINT legal_aid_events_pkey,
    ADD CONSTRAINT legal_aid_events_pkey PRIMARY KEY (tenant_id, id);
CREATE INDEX legal_aid_events_id_lookup ON legal_aid_events (id);
ALTER TABLE legal_aid_lawyers DROP CONSTRAINT legal_aid_lawyers_pkey,
    ADD CONSTRAINT legal_aid_lawyers_pkey PRIMARY KEY (tenant_id, id);
CREATE INDEX legal_aid_lawyers_id_lookup ON legal_aid_lawyers (id);
ALTER TABLE notice_objections DROP CONSTRAINT notice_objections_pkey,
    ADD CONSTRAINT notice_objections_pkey PRIMARY KEY (tenant_id, id);
CREATE INDEX notice_objections_id_lookup ON notice_objections (id);
ALTER TABLE notices DROP CONSTRAINT notices_pkey,
    ADD CONSTRAINT notices_pkey PRIMARY KEY (tenant_id, id);
CREATE INDEX notices_id_lookup ON notices (id);
ALTER TABLE pairing_payments DROP CONSTRAINT pairing_payments_pkey,
    ADD CONSTRAINT pairing_payments_pkey PRIMARY KEY (tenant_id, id);
CREATE INDEX pairing_payments_id_lookup ON pairing_payments (id);
ALTER TABLE pairing_reports DROP CONSTRAINT pairing_reports_pkey,
    ADD CONSTRAINT pairing_reports_pkey PRIMARY KEY (tenant_id, id);
CREATE INDEX pairing_reports_id_lookup ON pairing_reports (id);
ALTER TABLE pairing_sponsors DROP CONSTRAINT pairing_sponsors_pkey,
    ADD CONSTRAINT pairing_sponsors_pkey PRIMARY KEY (tenant_id, id);
CREATE INDEX pairing_sponsors_id_lookup ON pairing_sponsors (id);
ALTER TABLE pairing_students DROP CONSTRAINT pairing_students_pkey,
    ADD CONSTRAINT pairing_students_pkey PRIMARY KEY (tenant_id, id);
CREATE INDEX pairing_students_id_lookup ON pairing_students (id);
ALTER TABLE procurement_floors DROP CONSTRAINT procurement_floors_pkey,
    ADD CONSTRAINT procurement_floors_pkey PRIMARY KEY (tenant_id, org_id, year);
CREATE INDEX procurement_floors_org_id_year_lookup ON procurement_floors (org_id, year);
ALTER TABLE receipts DROP CONSTRAINT receipts_pkey,
    ADD CONSTRAINT receipts_pkey PRIMARY KEY (tenant_id, id);
CREATE INDEX receipts_id_lookup ON receipts (id);
ALTER TABLE recognition_calls DROP CONSTRAINT recognition_calls_pkey,
    ADD CONSTRAINT recognition_calls_pkey PRIMARY KEY (tenant_id, id);
CREATE INDEX recognition_calls_id_lookup ON recognition_calls (id);
ALTER TABLE recognition_experts DROP CONSTRAINT recognition_experts_pkey,
    ADD CONSTRAINT recognition_experts_pkey PRIMARY KEY (tenant_id, id);
CREATE INDEX recognition_experts_id_lookup ON recognition_experts (id);
ALTER TABLE recognition_nominations DROP CONSTRAINT recognition_nominations_pkey,
    ADD CONSTRAINT recognition_nominations_pkey PRIMARY KEY (tenant_id, id);
CREATE INDEX recognition_nominations_id_lookup ON recognition_nominations (id);
ALTER TABLE recognition_quota_use DROP CONSTRAINT recognition_quota_use_pkey,
    ADD CONSTRAINT recognition_quota_use_pkey PRIMARY KEY (tenant_id, call_id, org_id);
CREATE INDEX recognition_quota_use_call_id_org_id_lookup ON recognition_quota_use (call_id, org_id);
ALTER TABLE recognition_scores DROP CONSTRAINT recognition_scores_pkey,
    ADD CONSTRAINT recognition_scores_pkey PRIMARY KEY (tenant_id, id);
CREATE INDEX recognition_scores_id_lookup ON recognition_scores (id);
ALTER TABLE recuperation_quotas DROP CONSTRAINT recuperation_quotas_pkey,
    ADD CONSTRAINT recuperation_quotas_pkey PRIMARY KEY (tenant_id, batch_id, org_id);
CREATE INDEX recuperation_quotas_batch_id_org_id_lookup ON recuperation_quotas (batch_id, org_id);
ALTER TABLE service_offers DROP CONSTRAINT service_offers_pkey,
    ADD CONSTRAINT service_offers_pkey PRIMARY KEY (tenant_id, id);
CREATE INDEX service_offers_id_lookup ON service_offers (id);
ALTER TABLE service_requests DROP CONSTRAINT service_requests_pkey,
    ADD CONSTRAINT service_requests_pkey PRIMARY KEY (tenant_id, id);
CREATE INDEX service_requests_id_lookup ON service_requests (id);
ALTER TABLE service_teams DROP CONSTRAINT service_teams_pkey,
    ADD CONSTRAINT service_teams_pkey PRIMARY KEY (tenant_id, id);
CREATE INDEX service_teams_id_lookup ON service_teams (id);
ALTER TABLE statement_lines DROP CONSTRAINT statement_lines_pkey,
    ADD CONSTRAINT statement_lines_pkey PRIMARY KEY (tenant_id, id);
CREATE INDEX statement_lines_id_lookup ON statement_lines (id);
ALTER TABLE transfers DROP CONSTRAINT transfers_pkey,
    ADD CONSTRAINT transfers_pkey PRIMARY KEY (tenant_id, id);
CREATE INDEX transfers_id_lookup ON transfers (id);

-- 3. Unique keys take the tenant too (UNIQUE (id) was only there for the foreign keys of 1).
ALTER TABLE campaigns DROP CONSTRAINT campaigns_id_key;
CREATE INDEX campaigns_id_lookup ON campaigns (id);
ALTER TABLE employment_employers DROP CONSTRAINT employment_employers_fair_id_name_key,
    ADD CONSTRAINT employment_employers_fair_id_name_key UNIQUE (tenant_id, fair_id, name);
ALTER TABLE employment_placements DROP CONSTRAINT employment_placements_seeker_id_key,
    ADD CONSTRAINT employment_placements_seeker_id_key UNIQUE (tenant_id, seeker_id);
ALTER TABLE employment_trainees DROP CONSTRAINT employment_trainees_certificate_no_key,
    ADD CONSTRAINT employment_trainees_certificate_no_key UNIQUE (tenant_id, certificate_no);
ALTER TABLE employment_trainees DROP CONSTRAINT employment_trainees_course_id_seeker_id_key,
    ADD CONSTRAINT employment_trainees_course_id_seeker_id_key UNIQUE (tenant_id, course_id, seeker_id);
ALTER TABLE fund_deposits DROP CONSTRAINT fund_deposits_id_key;
CREATE INDEX fund_deposits_id_lookup ON fund_deposits (id);
ALTER TABLE grants DROP CONSTRAINT grants_id_key;
CREATE INDEX grants_id_lookup ON grants (id);
ALTER TABLE pairing_sponsors DROP CONSTRAINT pairing_sponsors_token_sha256_key,
    ADD CONSTRAINT pairing_sponsors_token_sha256_key UNIQUE (tenant_id, token_sha256);
ALTER TABLE pairing_students DROP CONSTRAINT pairing_students_token_key,
    ADD CONSTRAINT pairing_students_token_key UNIQUE (tenant_id, token);
ALTER TABLE procurement_catalogue DROP CONSTRAINT procurement_catalogue_id_key;
CREATE INDEX procurement_catalogue_id_lookup ON procurement_catalogue (id);
ALTER TABLE procurement_purchases DROP CONSTRAINT procurement_purchases_id_key;
CREATE INDEX procurement_purchases_id_lookup ON procurement_purchases (id);
ALTER TABLE recuperation_bases DROP CONSTRAINT recuperation_bases_id_key;
CREATE INDEX recuperation_bases_id_lookup ON recuperation_bases (id);
ALTER TABLE recuperation_batches DROP CONSTRAINT recuperation_batches_id_key;
CREATE INDEX recuperation_batches_id_lookup ON recuperation_batches (id);
ALTER TABLE recuperation_signups DROP CONSTRAINT recuperation_signups_id_key;
CREATE INDEX recuperation_signups_id_lookup ON recuperation_signups (id);

-- 4. Partial unique indexes (one live record of a kind) take the tenant first; a token read from
--    a public link is still found by the token alone.
DROP INDEX receipts_live;
CREATE UNIQUE INDEX receipts_live ON receipts (tenant_id, donation_id) WHERE state = 'issued';
DROP INDEX recognition_nominations_one_live;
CREATE UNIQUE INDEX recognition_nominations_one_live
    ON recognition_nominations (tenant_id, call_id, member_id)
    WHERE state NOT IN ('refused', 'withdrawn');
DROP INDEX recognition_scores_once;
CREATE UNIQUE INDEX recognition_scores_once
    ON recognition_scores (tenant_id, nomination_id, expert_id);
DROP INDEX recuperation_signups_live;
CREATE UNIQUE INDEX recuperation_signups_live
    ON recuperation_signups (tenant_id, batch_id, member_id)
    WHERE state = 'signed_up';
DROP INDEX employment_seekers_live_member;
CREATE UNIQUE INDEX employment_seekers_live_member ON employment_seekers (tenant_id, member_id)
    WHERE state = 'registered';
CREATE INDEX pairing_students_token_lookup ON pairing_students (token);
CREATE INDEX pairing_sponsors_token_lookup ON pairing_sponsors (token_sha256);

-- 5. The foreign keys of 1, within one tenant.
ALTER TABLE campaign_gift_purchases ADD CONSTRAINT campaign_gift_purchases_campaign_id_fkey
    FOREIGN KEY (tenant_id, campaign_id) REFERENCES campaigns (tenant_id, id);
ALTER TABLE campaign_gift_purchases ADD CONSTRAINT campaign_gift_purchases_purchase_id_fkey
    FOREIGN KEY (tenant_id, purchase_id) REFERENCES procurement_purchases (tenant_id, id);
ALTER TABLE donations ADD CONSTRAINT donations_deposit_id_fkey
    FOREIGN KEY (tenant_id, deposit_id) REFERENCES fund_deposits (tenant_id, id);
ALTER TABLE donations ADD CONSTRAINT donations_donor_id_fkey
    FOREIGN KEY (tenant_id, donor_id) REFERENCES donors (tenant_id, id);
ALTER TABLE employment_employers ADD CONSTRAINT employment_employers_fair_id_fkey
    FOREIGN KEY (tenant_id, fair_id) REFERENCES employment_fairs (tenant_id, id);
ALTER TABLE employment_placements ADD CONSTRAINT employment_placements_post_id_fkey
    FOREIGN KEY (tenant_id, post_id) REFERENCES employment_posts (tenant_id, id);
ALTER TABLE employment_placements ADD CONSTRAINT employment_placements_seeker_id_fkey
    FOREIGN KEY (tenant_id, seeker_id) REFERENCES employment_seekers (tenant_id, id);
ALTER TABLE employment_posts ADD CONSTRAINT employment_posts_employer_id_fkey
    FOREIGN KEY (tenant_id, employer_id) REFERENCES employment_employers (tenant_id, id);
ALTER TABLE employment_posts ADD CONSTRAINT employment_posts_fair_id_fkey
    FOREIGN KEY (tenant_id, fair_id) REFERENCES employment_fairs (tenant_id, id);
ALTER TABLE employment_seekers ADD CONSTRAINT employment_seekers_household_id_fkey
    FOREIGN KEY (tenant_id, household_id) REFERENCES households (tenant_id, id);
ALTER TABLE employment_trainees ADD CONSTRAINT employment_trainees_course_id_fkey
    FOREIGN KEY (tenant_id, course_id) REFERENCES employment_courses (tenant_id, id);
ALTER TABLE employment_trainees ADD CONSTRAINT employment_trainees_seeker_id_fkey
    FOREIGN KEY (tenant_id, seeker_id) REFERENCES employment_seekers (tenant_id, id);
ALTER TABLE household_events ADD CONSTRAINT household_events_household_id_fkey
    FOREIGN KEY (tenant_id, household_id) REFERENCES households (tenant_id, id);
ALTER TABLE household_people ADD CONSTRAINT household_people_household_id_fkey
    FOREIGN KEY (tenant_id, household_id) REFERENCES households (tenant_id, id);
ALTER TABLE legal_aid_cases ADD CONSTRAINT legal_aid_cases_lawyer_id_fkey
    FOREIGN KEY (tenant_id, lawyer_id) REFERENCES legal_aid_lawyers (tenant_id, id);
ALTER TABLE legal_aid_events ADD CONSTRAINT legal_aid_events_case_id_fkey
    FOREIGN KEY (tenant_id, case_id) REFERENCES legal_aid_cases (tenant_id, id);
ALTER TABLE notice_objections ADD CONSTRAINT notice_objections_notice_id_fkey
    FOREIGN KEY (tenant_id, notice_id) REFERENCES notices (tenant_id, id);
ALTER TABLE pairing_payments ADD CONSTRAINT pairing_payments_sponsor_id_fkey
    FOREIGN KEY (tenant_id, sponsor_id) REFERENCES pairing_sponsors (tenant_id, id);
ALTER TABLE pairing_reports ADD CONSTRAINT pairing_reports_student_id_fkey
    FOREIGN KEY (tenant_id, student_id) REFERENCES pairing_students (tenant_id, id);
ALTER TABLE pairing_sponsors ADD CONSTRAINT pairing_sponsors_student_id_fkey
    FOREIGN KEY (tenant_id, student_id) REFERENCES pairing_students (tenant_id, id);
ALTER TABLE pairing_students ADD CONSTRAINT pairing_students_grant_id_fkey
    FOREIGN KEY (tenant_id, grant_id) REFERENCES grants (tenant_id, id);
ALTER TABLE procurement_purchases ADD CONSTRAINT procurement_purchases_catalogue_id_fkey
    FOREIGN KEY (tenant_id, catalogue_id) REFERENCES procurement_catalogue (tenant_id, id);
ALTER TABLE receipts ADD CONSTRAINT receipts_donation_id_fkey
    FOREIGN KEY (tenant_id, donation_id) REFERENCES donations (tenant_id, id);
ALTER TABLE receipts ADD CONSTRAINT receipts_replaces_id_fkey
    FOREIGN KEY (tenant_id, replaces_id) REFERENCES receipts (tenant_id, id);
ALTER TABLE recognition_nominations ADD CONSTRAINT recognition_nominations_call_id_fkey
    FOREIGN KEY (tenant_id, call_id) REFERENCES recognition_calls (tenant_id, id);
ALTER TABLE recognition_quota_use ADD CONSTRAINT recognition_quota_use_call_id_fkey
    FOREIGN KEY (tenant_id, call_id) REFERENCES recognition_calls (tenant_id, id);
ALTER TABLE recognition_scores ADD CONSTRAINT recognition_scores_expert_id_fkey
    FOREIGN KEY (tenant_id, expert_id) REFERENCES recognition_experts (tenant_id, id);
ALTER TABLE recognition_scores ADD CONSTRAINT recognition_scores_nomination_id_fkey
    FOREIGN KEY (tenant_id, nomination_id) REFERENCES recognition_nominations (tenant_id, id);
ALTER TABLE recuperation_batches ADD CONSTRAINT recuperation_batches_base_id_fkey
    FOREIGN KEY (tenant_id, base_id) REFERENCES recuperation_bases (tenant_id, id);
ALTER TABLE recuperation_quotas ADD CONSTRAINT recuperation_quotas_batch_id_fkey
    FOREIGN KEY (tenant_id, batch_id) REFERENCES recuperation_batches (tenant_id, id);
ALTER TABLE recuperation_signups ADD CONSTRAINT recuperation_signups_batch_id_fkey
    FOREIGN KEY (tenant_id, batch_id) REFERENCES recuperation_batches (tenant_id, id);
ALTER TABLE service_offers ADD CONSTRAINT service_offers_team_id_fkey
    FOREIGN KEY (tenant_id, team_id) REFERENCES service_teams (tenant_id, id);
ALTER TABLE service_requests ADD CONSTRAINT service_requests_offer_id_fkey
    FOREIGN KEY (tenant_id, offer_id) REFERENCES service_offers (tenant_id, id);
ALTER TABLE service_requests ADD CONSTRAINT service_requests_team_id_fkey
    FOREIGN KEY (tenant_id, team_id) REFERENCES service_teams (tenant_id, id);
ALTER TABLE statement_lines ADD CONSTRAINT statement_lines_donation_id_fkey
    FOREIGN KEY (tenant_id, donation_id) REFERENCES donations (tenant_id, id);
ALTER TABLE statement_lines ADD CONSTRAINT statement_lines_statement_id_fkey
    FOREIGN KEY (tenant_id, statement_id) REFERENCES bank_statements (tenant_id, id);
