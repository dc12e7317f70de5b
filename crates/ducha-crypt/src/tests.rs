use super::*;

fn hex(s: &str) -> Vec<u8> {
    let s: String = s.split_whitespace().collect();
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

fn nonce(s: &str) -> [u8; 12] {
    hex(s).try_into().expect("12 bytes")
}

#[test]
fn sm4_gcm_matches_rfc_8998_a1() {
    let key = hex("0123456789ABCDEFFEDCBA9876543210");
    let iv = nonce("00001234567800000000ABCD");
    let aad = hex("FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2");
    let plain = hex(
        "AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBB CCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD
         EEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFF EEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA",
    );
    let want = hex(
        "17F399F08C67D5EE19D0DC9969C4BB7D 5FD46FD3756489069157B282BB200735
         D82710CA5C22F0CCFA7CBF93D496AC15 A56834CBCF98C397B4024A2691233B8D
         83DE3541E4C2B58177E065A9BF7B62EC",
    );
    let got = Algorithm::Sm4Gcm.seal(&key, &iv, &plain, &aad);
    assert_eq!(got, want);
    let back = Algorithm::Sm4Gcm
        .open(&key, &iv, &want, &aad)
        .expect("opens");
    assert_eq!(back.as_slice(), plain.as_slice());
    let mut bad = want.clone();
    bad[0] ^= 1;
    assert!(Algorithm::Sm4Gcm.open(&key, &iv, &bad, &aad).is_none());
}

#[test]
fn aes_256_gcm_matches_the_gcm_spec_test_case_16() {
    let key = hex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308");
    let iv = nonce("cafebabefacedbaddecaf888");
    let aad = hex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
    let plain = hex(
        "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72
         1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
    );
    let want = hex(
        "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa
         8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662
         76fc6ece0f4e1768cddf8853bb2d551b",
    );
    assert_eq!(Algorithm::Aes256Gcm.seal(&key, &iv, &plain, &aad), want);
    assert!(Algorithm::Aes256Gcm.open(&key, &iv, &want, &aad).is_some());
    assert!(
        Algorithm::Aes256Gcm
            .open(&key, &iv, &want, b"other")
            .is_none()
    );
}

fn ring(alg: Algorithm) -> KeyRing {
    let k = Key::generate("k1", alg).expect("key");
    KeyRing::new(vec![k], 0, alg).expect("ring")
}

#[test]
fn both_algorithms_round_trip_and_bind_the_place() {
    for alg in [Algorithm::Aes256Gcm, Algorithm::Sm4Gcm] {
        let r = ring(alg);
        let c = r.encrypt("13800138000", "users.phone:7");
        assert!(c.starts_with(&format!("enc:v1:k1:{}:", alg.name())), "{c}");
        assert!(!c.contains("13800138000"));
        assert_eq!(
            r.decrypt(&c, "users.phone:7").expect("same place").as_str(),
            "13800138000"
        );
        // Another row, another column: refused, naming only the key.
        for other in ["users.phone:8", "users.email:7"] {
            assert_eq!(
                r.decrypt(&c, other).expect_err("moved"),
                CryptError::Failed("k1".into())
            );
        }
        // Two encryptions of one value differ (fresh nonces).
        assert_ne!(c, r.encrypt("13800138000", "users.phone:7"));
        assert_eq!(
            r.decrypt(&r.encrypt("", "x").to_string(), "x")
                .expect("empty")
                .as_str(),
            ""
        );
    }
}

#[test]
fn a_wrong_or_missing_key_and_garbage_are_named_errors() {
    let a = ring(Algorithm::Aes256Gcm);
    let b = ring(Algorithm::Aes256Gcm);
    let c = a.encrypt("secret", "p");
    assert_eq!(
        b.decrypt(&c, "p").expect_err("wrong"),
        CryptError::Failed("k1".into())
    );
    let other = KeyRing::new(
        vec![Key::generate("k2", Algorithm::Aes256Gcm).expect("key")],
        0,
        Algorithm::Aes256Gcm,
    )
    .expect("ring");
    assert_eq!(
        other.decrypt(&c, "p").expect_err("missing"),
        CryptError::UnknownKey("k1".into())
    );
    for junk in [
        "",
        "plain",
        "enc:v1:",
        "enc:v1:k1",
        "enc:v1:k1:aes-256-gcm:!!!",
        "enc:v1:k1:aes-256-gcm:AAAA",
        "enc:v1:k1:rot13:AAAA",
        "enc:v1:k 1:aes-256-gcm:AAAA",
    ] {
        assert!(a.decrypt(junk, "p").is_err(), "{junk}");
    }
    // Debug shows ids, never key bytes.
    let shown = format!("{a:?}");
    assert!(
        shown.contains("k1") && !shown.contains(&B64.encode(a.keys[0].bytes.as_slice())),
        "{shown}"
    );
}

#[test]
fn key_files_mark_the_current_key_and_keep_old_ones() {
    let k1 = Key::generate("k1", Algorithm::Aes256Gcm).expect("key");
    let k2 = Key::generate("k2", Algorithm::Aes256Gcm).expect("key");
    let k3 = Key::generate("k3", Algorithm::Aes256Gcm).expect("key");
    let f1 = add_key_to_file("", &k1, true).expect("first");
    let r = KeyRing::from_key_file(&f1, Algorithm::Aes256Gcm).expect("ring");
    assert_eq!(r.current_id(), "k1");
    let f2 = add_key_to_file(&f1, &k2, false).expect("spare");
    assert_eq!(
        KeyRing::from_key_file(&f2, Algorithm::Aes256Gcm)
            .expect("ring")
            .current_id(),
        "k1"
    );
    let f3 = add_key_to_file(&f2, &k3, true).expect("rotated");
    let r3 = KeyRing::from_key_file(&f3, Algorithm::Aes256Gcm).expect("ring");
    assert_eq!((r3.current_id(), r3.ids()), ("k3", vec!["k1", "k2", "k3"]));
    let old = r.encrypt("a@example.cn", "users.email:1");
    assert_eq!(
        r3.decrypt(&old, "users.email:1").expect("old key").as_str(),
        "a@example.cn"
    );
    assert!(r3.needs_rewrap(&old) && !r3.needs_rewrap(&r3.encrypt("x", "y")));
    assert!(r3.needs_rewrap("plain") && !r3.needs_rewrap(""));
    let f4 = add_key_to_file(
        &f3,
        &Key::generate("k4", Algorithm::Aes256Gcm).expect("key"),
        true,
    )
    .expect("again");
    assert_eq!(
        f4.lines().filter(|l| l.starts_with('*')).count(),
        1,
        "{}",
        f4.as_str()
    );
    assert!(add_key_to_file(&f3, &k2, false).is_err(), "duplicate id");
    // An SM4 ring needs a 16-byte current key.
    assert!(matches!(
        KeyRing::from_key_file(&f3, Algorithm::Sm4Gcm),
        Err(CryptError::KeyLength { need: 16, .. })
    ));
    for bad in [
        "",
        "# only a comment\n",
        "k1\n",
        "k1:not base64!\n",
        "k1:AAAA\n",
        "*k1:{0}\n*k2:{0}\n",
    ] {
        let bad = bad.replace("{0}", &B64.encode([0u8; 32]));
        assert!(
            KeyRing::from_key_file(&bad, Algorithm::Aes256Gcm).is_err(),
            "{bad}"
        );
    }
}

#[test]
fn the_environment_form_takes_comma_separated_keys_first_current() {
    let v = format!(
        "new:{},old:{}",
        B64.encode([1u8; 16]),
        B64.encode([2u8; 32])
    );
    let r = KeyRing::from_env_value(&v, Algorithm::Sm4Gcm).expect("ring");
    assert_eq!((r.current_id(), r.ids()), ("new", vec!["new", "old"]));
    assert!(KeyRing::from_env_value("", Algorithm::Sm4Gcm).is_err());
}
