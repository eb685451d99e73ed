/*
 * test_sharing.c — the sharing/ module's vocabulary: TLP 2.0 labels in both spellings, their
 * order, the standard STIX marking-definition ids both ways, and indicator kind names.
 * (Later files of the module add their own tests here or in their own program.)
 */
#include "unit.h"
#include "sharing/sharing.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

static void test_tlp_labels(void **state)
{
    UNUSED(state);
    for (int t = 0; t < TLP__COUNT; t++) {
        assert_int_equal(tlp_parse(tlp_label((enum tlp)t)), t);
        assert_int_equal(tlp_parse(tlp_name((enum tlp)t)), t);
        assert_int_equal(tlp_from_stix_marking_id(tlp_stix_marking_id((enum tlp)t)), t);
    }
    assert_int_equal(tlp_parse("tlp:amber+strict"), TLP_AMBER_STRICT);
    assert_int_equal(tlp_parse("TLP:WHITE"), TLP_CLEAR); /* TLP 1.0's name for CLEAR */
    assert_int_equal(tlp_parse("TLP:AMBER STRICT"), TLP_INVALID);
    assert_int_equal(tlp_parse(""), TLP_INVALID);
    assert_int_equal(tlp_parse(NULL), TLP_INVALID);
    assert_null(tlp_label(TLP_INVALID));
    assert_null(tlp_label(TLP__COUNT));
    assert_int_equal(
        tlp_from_stix_marking_id("marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"),
        TLP_INVALID); /* TLP 1.0 WHITE's id is not a TLP 2.0 marking */
    assert_true(tlp_at_least(TLP_RED, TLP_AMBER));
    assert_true(tlp_at_least(TLP_AMBER, TLP_AMBER));
    assert_false(tlp_at_least(TLP_GREEN, TLP_AMBER_STRICT));
    assert_string_equal(tlp_stix_marking_id(TLP_CLEAR),
                        "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487");
}

static void test_ioc_types(void **state)
{
    UNUSED(state);
    for (int t = 0; t < IOC__COUNT; t++)
        assert_int_equal(ioc_type_parse(ioc_type_name((enum ioc_type)t)), t);
    assert_int_equal(ioc_type_parse("IPV4"), IOC_INVALID);
    assert_int_equal(ioc_type_parse("file_name"), IOC_INVALID);
    assert_null(ioc_type_name(IOC__COUNT));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tlp_labels),
        cmocka_unit_test(test_ioc_types),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
