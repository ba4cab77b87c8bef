/* The sealed init (Native/init), built as a static executable by native.targets, embedded
 * here so that bin/oci-runtime stays one file. spawn.c copies it into a sealed memfd. */
    .section .rodata
    .balign 16
    .global oci_init_image
    .hidden oci_init_image
oci_init_image:
    .incbin OCI_INIT_PATH
    .global oci_init_image_end
    .hidden oci_init_image_end
oci_init_image_end:
    .section .note.GNU-stack,"",%progbits
