-- PostgreSQL flavour. Keep in step with ../sqlite.
-- A recuperation sign-up names a member that exists (issue 17): the column had no foreign key
-- here, while SQLite's had one from the start. members' key is (tenant_id, id), the
-- distribution column first, as every other reference to a member.
ALTER TABLE recuperation_signups
    ADD CONSTRAINT recuperation_signups_member_fk
    FOREIGN KEY (tenant_id, member_id) REFERENCES members (tenant_id, id);
