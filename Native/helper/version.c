int oci_helper_abi_version(void) { return 1; }
