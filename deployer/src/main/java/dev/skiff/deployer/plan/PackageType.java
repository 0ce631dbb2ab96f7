package dev.skiff.deployer.plan;

/** How a Lambda model ships: a .zip up to 250 MB unzipped, a container image up to 10 GB. */
public enum PackageType {
    ZIP("zip"),
    IMAGE("image");

    public final String label;

    PackageType(String label) {
        this.label = label;
    }
}
