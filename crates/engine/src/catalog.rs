//! The seeded location catalogue: what DescribeLocations answers per region
//! and what CreateConnection validates against.
//!
//! Every region has at least two locations, at least one offering MACsec
//! port speeds, and at least one offering a billing mode besides
//! PayAsYouGo. Port speeds use the short form (`10G`), as the real service
//! does; connection bandwidths use the long form (`10Gbps`).

use dxlocal_model::{AvailableBillingMode, BillingMode, Location};

pub struct Site {
    pub code: &'static str,
    pub name: &'static str,
    pub region: &'static str,
    pub port_speeds: &'static [&'static str],
    pub providers: &'static [&'static str],
    pub macsec_speeds: &'static [&'static str],
    /// Flat-rate tiers offered besides PayAsYouGo (which every site offers
    /// at every speed), with the speeds they apply to.
    pub flat_rate: &'static [(&'static str, &'static [&'static str])],
}

const PROVIDERS: &[&str] = &["Equinix", "Megaport", "PacketFabric", "Zayo"];

pub static SITES: &[Site] = &[
    Site {
        code: "EqDC2",
        name: "Equinix DC1-DC6, DC10-DC12, Ashburn, VA",
        region: "us-east-1",
        port_speeds: &["1G", "10G", "100G", "400G"],
        providers: PROVIDERS,
        macsec_speeds: &["10G", "100G", "400G"],
        flat_rate: &[("FlatRateTier1", &["10G", "100G"])],
    },
    Site {
        code: "CSVA1",
        name: "CoreSite VA1, Reston, VA",
        region: "us-east-1",
        port_speeds: &["100G", "1G", "10G"],
        providers: &["Megaport", "Zayo"],
        macsec_speeds: &[],
        flat_rate: &[],
    },
    Site {
        code: "EqNY5",
        name: "Equinix NY5, Secaucus, NJ",
        region: "us-east-1",
        port_speeds: &["1G", "10G", "100G"],
        providers: &["Equinix", "Verizon"],
        macsec_speeds: &["10G", "100G"],
        flat_rate: &[],
    },
    Site {
        code: "EqSE2",
        name: "Equinix SE2, Seattle, WA",
        region: "us-west-2",
        port_speeds: &["1G", "10G", "100G"],
        providers: PROVIDERS,
        macsec_speeds: &["10G", "100G"],
        flat_rate: &[("FlatRateTier2", &["10G", "100G"])],
    },
    Site {
        code: "PDX50",
        name: "Flexential Hillsboro, Portland, OR",
        region: "us-west-2",
        port_speeds: &["1G", "10G"],
        providers: &["Megaport"],
        macsec_speeds: &[],
        flat_rate: &[],
    },
    Site {
        code: "EIRE1",
        name: "Digital Realty DUB2, Dublin, Ireland",
        region: "eu-west-1",
        port_speeds: &["1G", "10G", "100G"],
        providers: &["Colt", "Megaport"],
        macsec_speeds: &["10G", "100G"],
        flat_rate: &[],
    },
    Site {
        code: "EqLD5",
        name: "Equinix LD5, London, United Kingdom",
        region: "eu-west-1",
        port_speeds: &["1G", "10G", "100G"],
        providers: PROVIDERS,
        macsec_speeds: &[],
        flat_rate: &[("FlatRateTier1", &["10G"])],
    },
    Site {
        code: "EqFA5",
        name: "Equinix FR5, Frankfurt, Germany",
        region: "eu-central-1",
        port_speeds: &["1G", "10G", "100G", "400G"],
        providers: PROVIDERS,
        macsec_speeds: &["10G", "100G", "400G"],
        flat_rate: &[("FlatRateTier3", &["100G", "400G"])],
    },
    Site {
        code: "ITXFR2",
        name: "Interxion FRA6, Frankfurt, Germany",
        region: "eu-central-1",
        port_speeds: &["1G", "10G"],
        providers: &["Colt"],
        macsec_speeds: &[],
        flat_rate: &[],
    },
    Site {
        code: "EqTY2",
        name: "Equinix TY2, Tokyo, Japan",
        region: "ap-northeast-1",
        port_speeds: &["1G", "10G", "100G"],
        providers: &["Equinix", "NTT"],
        macsec_speeds: &["10G", "100G"],
        flat_rate: &[],
    },
    Site {
        code: "AtTK1",
        name: "AT Tokyo CC1, Tokyo, Japan",
        region: "ap-northeast-1",
        port_speeds: &["1G", "10G"],
        providers: &["Megaport", "KDDI"],
        macsec_speeds: &[],
        flat_rate: &[("FlatRateTier1", &["10G"])],
    },
    Site {
        code: "EqSY3",
        name: "Equinix SY3, Sydney, Australia",
        region: "ap-southeast-2",
        port_speeds: &["1G", "10G", "100G"],
        providers: &["Megaport"],
        macsec_speeds: &["10G", "100G"],
        flat_rate: &[("FlatRateTier1", &["10G"])],
    },
    Site {
        code: "GlobalSwitch",
        name: "Global Switch Sydney, Ultimo, Australia",
        region: "ap-southeast-2",
        port_speeds: &["1G", "10G"],
        providers: &["Equinix"],
        macsec_speeds: &[],
        flat_rate: &[],
    },
    Site {
        code: "TNDB",
        name: "NAP do Brasil, Barueri, Sao Paulo",
        region: "sa-east-1",
        port_speeds: &["1G", "10G"],
        providers: &["TIVIT"],
        macsec_speeds: &["10G"],
        flat_rate: &[],
    },
    Site {
        code: "TIVIT",
        name: "Tivit - Site Transamerica (Sao Paulo)",
        region: "sa-east-1",
        port_speeds: &["1G", "10G"],
        providers: &["TIVIT"],
        macsec_speeds: &[],
        flat_rate: &[("FlatRateTier1", &["10G"])],
    },
];

pub fn sites_in(region: &str) -> impl Iterator<Item = &'static Site> + '_ {
    SITES.iter().filter(move |s| s.region == region)
}

pub fn site(region: &str, code: &str) -> Option<&'static Site> {
    SITES.iter().find(|s| s.region == region && s.code == code)
}

/// `10Gbps` -> `10G`, `400Gbps` -> `400G`; `None` for anything else.
pub fn port_speed(bandwidth: &str) -> Option<&str> {
    let n = bandwidth.strip_suffix("Gbps")?;
    (!n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())).then(|| &bandwidth[..n.len() + 1])
}

impl Site {
    pub fn offers_speed(&self, speed: &str) -> bool {
        self.port_speeds.contains(&speed)
    }

    pub fn offers_macsec(&self, speed: &str) -> bool {
        self.macsec_speeds.contains(&speed)
    }

    pub fn offers_billing(&self, mode: &str, speed: &str) -> bool {
        if mode == "PayAsYouGo" {
            return self.offers_speed(speed);
        }
        self.flat_rate
            .iter()
            .any(|(m, speeds)| *m == mode && speeds.contains(&speed))
    }

    pub fn to_api(&self) -> Location {
        let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let mut modes = vec![AvailableBillingMode {
            billing_mode: Some(BillingMode::PayAsYouGo),
            available_port_speeds: Some(strings(self.port_speeds)),
            included_regions: Some(vec![self.region.to_string()]),
        }];
        for (mode, speeds) in self.flat_rate {
            modes.push(AvailableBillingMode {
                billing_mode: BillingMode::from_name(mode),
                available_port_speeds: Some(strings(speeds)),
                included_regions: Some(vec![self.region.to_string()]),
            });
        }
        Location {
            location_code: Some(self.code.into()),
            location_name: Some(self.name.into()),
            region: Some(self.region.into()),
            available_port_speeds: Some(strings(self.port_speeds)),
            available_providers: Some(strings(self.providers)),
            available_mac_sec_port_speeds: Some(strings(self.macsec_speeds)),
            available_billing_modes: Some(modes),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_required_region_meets_the_seeding_rules() {
        for region in [
            "us-east-1",
            "us-west-2",
            "eu-west-1",
            "eu-central-1",
            "ap-northeast-1",
        ] {
            let sites: Vec<_> = sites_in(region).collect();
            assert!(sites.len() >= 2, "{region}");
            assert!(
                sites.iter().any(|s| !s.macsec_speeds.is_empty()),
                "{region}"
            );
            assert!(sites.iter().any(|s| !s.flat_rate.is_empty()), "{region}");
            assert!(sites
                .iter()
                .all(|s| !s.providers.is_empty() && !s.macsec_speeds.contains(&"1G")));
        }
    }

    #[test]
    fn bandwidth_maps_to_port_speed() {
        assert_eq!(port_speed("10Gbps"), Some("10G"));
        assert_eq!(port_speed("400Gbps"), Some("400G"));
        assert_eq!(port_speed("500Mbps"), None);
        assert_eq!(port_speed("Gbps"), None);
    }
}
