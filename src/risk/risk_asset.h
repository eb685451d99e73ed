/*
 * risk_asset.h — the asset inventory entry of an organisation (issue 4, "assets and loss
 * scenarios per organisation"): what it is, how critical, what it is worth. Loss scenarios
 * name assets by id, so the inventory is where an executive sees what a scenario puts at
 * stake. METI's Cybersecurity Management Guidelines 3.0 (instruction 4) ask management to
 * identify the information assets to protect and their risks; this is that list, kept as data.
 *
 * What it is: a field table (validated with schema_check, the same gather-all bilingual
 * errors as reports). Pure; no I/O.
 */
#ifndef RISK_RISK_ASSET_H
#define RISK_RISK_ASSET_H

#include "../schema/schema.h"

/* {"name_ja", "name_en", "kind", "criticality", "value_yen", "personal_records",
 *  "internet_facing", "owner", "location", "csf_categories", "notes"} */
extern const struct rf_field risk_asset_root;

#endif
