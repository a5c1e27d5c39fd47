//! Fails when crates/model/src/generated.rs differs from what the generator
//! produces for the vendored model (someone edited it by hand, or changed
//! the generator without regenerating).

#[test]
fn generated_model_matches_generator_output() {
    let expected = dxlocal_codegen::expected_output();
    let current = std::fs::read_to_string(dxlocal_codegen::output_path()).unwrap();
    assert!(
        current == expected,
        "crates/model/src/generated.rs is stale: run `cargo run -p dxlocal-codegen`"
    );
}

#[test]
fn names_follow_rust_conventions() {
    assert_eq!(
        dxlocal_codegen::snake("virtualInterfaceId"),
        "virtual_interface_id"
    );
    assert_eq!(dxlocal_codegen::snake("secretARN"), "secret_arn");
    assert_eq!(dxlocal_codegen::snake("CreateBGPPeer"), "create_bgp_peer");
    assert_eq!(dxlocal_codegen::snake("awsDeviceV2"), "aws_device_v2");
    assert_eq!(dxlocal_codegen::snake("type"), "r#type");
    assert_eq!(dxlocal_codegen::variant("must_encrypt"), "MustEncrypt");
    assert_eq!(
        dxlocal_codegen::variant("maximum-resiliency"),
        "MaximumResiliency"
    );
    assert_eq!(
        dxlocal_codegen::variant("application/pdf"),
        "ApplicationPdf"
    );
}
