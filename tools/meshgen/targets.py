"""Landmark design targets (mm, right side) with their descriptions.

Copied from the hand-written landmark files that fixed the contract with the
muscle data; the generator snaps the surface landmarks onto the meshes and
writes the final ``meshes/*.landmarks.toml`` from these.
"""

PELVIS_HEADER = (
    "Landmarks of the pelvis, in millimetres, in the bone's own frame.",
    "Frame: origin midway between the hip centres; x anterior, y superior, z right (ISB: "
    "the ASISs and the PSIS midpoint lie in the x-z plane).",
)
PELVIS = {
    "hip_center_r": ((0.0, 0.0, 87.0),
        "Hip joint centre: centre of the right acetabulum and femoral head"),
    "asis_r": ((47.0, 83.0, 120.0), "Anterior superior iliac spine"),
    "aiis_r": ((40.0, 45.0, 103.0),
        "Anterior inferior iliac spine (rectus femoris straight head)"),
    "psis_r": ((-108.0, 83.0, 45.0), "Posterior superior iliac spine"),
    "iliac_crest_top_r": ((-25.0, 128.0, 132.0), "Highest point of the iliac crest"),
    "iliac_tubercle_r": ((15.0, 118.0, 138.0),
        "Tubercle of the iliac crest (widest lateral point of the crest)"),
    "posterior_gluteal_line_r": ((-85.0, 90.0, 85.0),
        "Posterior gluteal line on the outer ilium, near the PSIS"),
    "acetabulum_rim_superior_r": ((0.0, 28.0, 100.0),
        "Superior rim of the acetabulum (reflected head of rectus femoris just above)"),
    "iliopubic_eminence_r": ((35.0, 8.0, 62.0),
        "Iliopubic eminence on the pelvic brim (iliopsoas passes lateral to it)"),
    "pubic_tubercle_r": ((55.0, -8.0, 25.0), "Pubic tubercle on the superior pubic ramus"),
    "pubic_symphysis": ((58.0, -20.0, 0.0), "Front of the pubic symphysis (midline)"),
    "inferior_pubic_ramus_r": ((35.0, -55.0, 25.0), "Middle of the inferior pubic ramus"),
    "ischial_ramus_r": ((-10.0, -68.0, 45.0), "Middle of the ischial ramus"),
    "obturator_foramen_r": ((20.0, -48.0, 52.0), "Centre of the obturator foramen"),
    "ischial_spine_r": ((-55.0, -12.0, 48.0), "Ischial spine"),
    "lesser_sciatic_notch_r": ((-62.0, -38.0, 56.0),
        "Lesser sciatic notch (obturator internus turns here)"),
    "greater_sciatic_notch_r": ((-72.0, 22.0, 55.0),
        "Apex of the greater sciatic notch (piriformis leaves the pelvis here)"),
    "ischial_tuberosity_r": ((-45.0, -72.0, 58.0), "Ischial tuberosity (hamstring origin)"),
    "sacral_promontory": ((-58.0, 92.0, 0.0),
        "Sacral promontory: anterior-superior edge of the S1 body"),
    "lumbosacral_joint": ((-78.0, 98.0, 0.0),
        "Centre of the L5-S1 disc (lumbar joint of the rig)"),
    "sacrum_anterior_s3": ((-80.0, 35.0, 0.0), "Pelvic (anterior) surface of the sacrum at S3"),
    "sacrum_dorsal_s3": ((-112.0, 35.0, 0.0), "Dorsal surface of the sacrum at S3"),
    "coccyx_tip": ((-82.0, -45.0, 0.0), "Tip of the coccyx"),
}

FEMUR_HEADER = (
    "Landmarks of the femur_r, in millimetres, in the bone's own frame.",
    "Frame (ISB): origin at the hip centre; y from the knee centre to the hip centre; z "
    "right, in the plane of hip centre and epicondyles; x anterior.",
)
FEMUR = {
    "hip_center": ((0.0, 0.0, 0.0), "Centre of the femoral head (hip joint centre); frame origin"),
    "femoral_neck": ((-5.0, -20.0, 22.0), "Centre of the base of the femoral neck"),
    "greater_trochanter": ((-10.0, -8.0, 58.0), "Tip of the greater trochanter (superolateral)"),
    "trochanteric_fossa": ((-15.0, -15.0, 42.0),
        "Trochanteric fossa (obturator externus insertion)"),
    "quadrate_tubercle": ((-22.0, -40.0, 45.0),
        "Quadrate tubercle on the intertrochanteric crest"),
    "lesser_trochanter": ((-15.0, -55.0, 18.0), "Lesser trochanter (iliopsoas insertion)"),
    "shaft_proximal": ((-5.0, -75.0, 33.0),
        "Centre of the shaft just below the lesser trochanter"),
    "pectineal_line": ((-14.0, -70.0, 22.0), "Pectineal line below the lesser trochanter"),
    "gluteal_tuberosity": ((-14.0, -95.0, 40.0), "Gluteal tuberosity on the posterolateral shaft"),
    "linea_aspera_mid": ((-16.0, -200.0, 18.0), "Linea aspera, middle of the shaft"),
    "linea_aspera_distal": ((-15.0, -290.0, 10.0), "Linea aspera, lower third of the shaft"),
    "adductor_tubercle": ((-8.0, -385.0, -42.0), "Adductor tubercle above the medial epicondyle"),
    "medial_epicondyle": ((0.0, -415.0, -43.0), "Medial epicondyle"),
    "lateral_epicondyle": ((0.0, -415.0, 43.0), "Lateral epicondyle"),
    "knee_center": ((0.0, -415.0, 0.0), "Knee joint centre: midpoint of the epicondyles"),
    "patella": ((45.0, -390.0, 5.0),
        "Centre of the patella's front (drawn with the femur in this model)"),
    "medial_condyle_posterior": ((-30.0, -425.0, -25.0), "Back of the medial femoral condyle"),
    "lateral_condyle_posterior": ((-30.0, -425.0, 25.0), "Back of the lateral femoral condyle"),
}

TIBIA_HEADER = (
    "Landmarks of the tibia_r, in millimetres, in the bone's own frame.",
    "Frame: origin at the knee centre; y from the ankle centre to the knee centre; z "
    "right; x anterior.",
)
TIBIA = {
    "knee_center": ((0.0, 0.0, 0.0),
        "Knee joint centre (frame origin); the tibial plateau is about 25 mm below"),
    "medial_tibial_condyle": ((0.0, -28.0, -30.0), "Medial tibial condyle"),
    "lateral_tibial_condyle": ((0.0, -28.0, 30.0), "Lateral tibial condyle"),
    "tibial_tuberosity": ((35.0, -58.0, 5.0), "Tibial tuberosity (patellar ligament)"),
    "pes_anserinus": ((18.0, -75.0, -28.0),
        "Pes anserinus on the anteromedial tibia (sartorius, gracilis, semitendinosus)"),
    "gerdys_tubercle": ((22.0, -38.0, 30.0), "Gerdy's tubercle (iliotibial tract)"),
    "fibular_head": ((-15.0, -48.0, 42.0), "Head of the fibula (biceps femoris)"),
    "semimembranosus_groove": ((-22.0, -38.0, -32.0),
        "Groove on the posteromedial tibial condyle (semimembranosus)"),
    "medial_malleolus": ((5.0, -395.0, -30.0), "Medial malleolus"),
    "lateral_malleolus": ((-10.0, -410.0, 32.0), "Lateral malleolus (fibula)"),
    "ankle_center": ((0.0, -400.0, 0.0), "Ankle joint centre: midpoint of the malleoli"),
}

FOOT_HEADER = (
    "Landmarks of the foot_r, in millimetres, in the bone's own frame.",
    "Frame: origin at the ankle joint centre; x anterior; y up (along the tibia with the ankle "
    "at 0); z right. The sole rests on the plane y = -78 (foot flat, ankle at 0).",
    "heel, first/fifth_metatarsal_head and hallux_tip are the contact points the core puts on "
    "the floor: they are kept exactly where designed (not snapped onto the mesh).",
)
FOOT = {
    "ankle_center": ((0.0, 0.0, 0.0),
        "Ankle joint centre (frame origin): centre of the talar dome, midpoint of the malleoli"),
    "heel": ((-50.0, -78.0, 2.0), "Heel contact: under the calcaneal tuberosity, on the sole plane"),
    "first_metatarsal_head": ((140.0, -78.0, -25.0),
        "Under the first metatarsal head: the medial ball of the foot, on the sole plane"),
    "fifth_metatarsal_head": ((125.0, -78.0, 32.0),
        "Under the fifth metatarsal head: the lateral ball of the foot, on the sole plane"),
    "hallux_tip": ((200.0, -70.0, -18.0), "Tip of the big toe"),
}
FOOT_CONTACTS = ("heel", "first_metatarsal_head", "fifth_metatarsal_head", "hallux_tip")
"""Landmarks that are a contract with the core and stay at their design positions."""
