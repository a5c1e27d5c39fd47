use crate::{catalog, Cx, Engine};
use dxlocal_model::{ApiError, Locations};

pub fn describe_locations(_eng: &mut Engine, cx: &Cx) -> Result<Locations, ApiError> {
    Ok(Locations {
        locations: Some(
            catalog::sites_in(&cx.caller.region)
                .map(|s| s.to_api())
                .collect(),
        ),
    })
}
