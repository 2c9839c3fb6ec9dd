package io.migplan.cli.executor.libvirt;

import io.migplan.cli.executor.ExecutionFailure;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * A domain's XML as {@code virsh dumpxml --migratable} gives it, read with the JDK's parser, and the
 * one change a migration with mdevs makes to it: each {@code <hostdev mode='subsystem' type='mdev'>}
 * names its device by {@code <source><address uuid='…'/></source>}, and on the target that has to be
 * the UUID of the mdev created there. Everything else is left as libvirt wrote it.
 *
 * <p>The hostdevs are taken in document order, which is the order libvirt keeps a domain's devices
 * in; the scheduler's per-device parents and types follow the same order.
 */
final class DomainXml {
    private final Document document;
    private final List<Element> mdevAddresses;

    private DomainXml(Document document, List<Element> mdevAddresses) {
        this.document = document;
        this.mdevAddresses = mdevAddresses;
    }

    /**
     * Reads a domain's XML. No DTD, no external entity: the text comes from another host.
     *
     * @param what names the XML in the failure, e.g. "the XML of VM vm-1 on host-a"
     * @throws ExecutionFailure when it is not a domain's XML
     */
    static DomainXml parse(String xml, String what) throws ExecutionFailure {
        Document document;
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setXIncludeAware(false);
            factory.setExpandEntityReferences(false);
            DocumentBuilder builder = factory.newDocumentBuilder();
            builder.setErrorHandler(new DefaultHandler()); // throws on fatal errors, prints nothing
            document = builder.parse(new InputSource(new StringReader(xml)));
        } catch (SAXException | IOException e) {
            throw new ExecutionFailure(what + " is not XML: " + e.getMessage());
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML parser lacks a standard feature", e);
        }
        Element root = document.getDocumentElement();
        if (!"domain".equals(root.getTagName())) {
            throw new ExecutionFailure(what + " is not a domain's XML: its root is <" + root.getTagName() + ">");
        }
        List<Element> addresses = new ArrayList<>();
        int number = 0;
        for (Element devices : children(root, "devices")) {
            for (Element hostdev : children(devices, "hostdev")) {
                if (!"mdev".equals(hostdev.getAttribute("type"))) {
                    continue;
                }
                number++;
                List<Element> found = new ArrayList<>();
                for (Element source : children(hostdev, "source")) {
                    for (Element address : children(source, "address")) {
                        if (address.hasAttribute("uuid")) {
                            found.add(address);
                        }
                    }
                }
                if (found.size() != 1) {
                    throw new ExecutionFailure(what + ": mdev hostdev " + number + " has " + found.size()
                            + " <source><address uuid=…/> elements, not one");
                }
                addresses.add(found.get(0));
            }
        }
        return new DomainXml(document, addresses);
    }

    /** The domain's {@code <name>}, "" when it has none. */
    String name() {
        return text("name");
    }

    /** The domain's {@code <uuid>}, "" when it has none. */
    String uuid() {
        return text("uuid");
    }

    /** The UUIDs of the domain's mdevs, in device order. */
    List<String> mdevUuids() {
        return mdevAddresses.stream().map(a -> a.getAttribute("uuid")).toList();
    }

    /**
     * This XML with each mdev's UUID replaced by the one {@code newByOld} maps it to; this object is
     * left as it was.
     *
     * @param what names the XML in the failure
     * @throws ExecutionFailure naming the mdev when one of the domain's mdevs has no new UUID
     */
    String withMdevUuids(Map<String, String> newByOld, String what) throws ExecutionFailure {
        List<String> before = mdevUuids();
        try {
            for (int i = 0; i < before.size(); i++) {
                String replacement = newByOld.get(before.get(i).toLowerCase(Locale.ROOT));
                if (replacement == null) {
                    throw new ExecutionFailure(what + " names mdev " + before.get(i)
                            + ", which the running VM does not have: its definition and its running state differ");
                }
                mdevAddresses.get(i).setAttribute("uuid", replacement);
            }
            return serialize();
        } finally {
            for (int i = 0; i < before.size(); i++) {
                mdevAddresses.get(i).setAttribute("uuid", before.get(i));
            }
        }
    }

    private String serialize() {
        try {
            TransformerFactory factory = TransformerFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            Transformer transformer = factory.newTransformer();
            transformer.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
            StringWriter out = new StringWriter();
            transformer.transform(new DOMSource(document), new StreamResult(out));
            return out.toString();
        } catch (TransformerException e) {
            throw new IllegalStateException("a parsed domain XML could not be written back", e);
        }
    }

    private String text(String child) {
        List<Element> found = children(document.getDocumentElement(), child);
        return found.isEmpty() ? "" : found.get(0).getTextContent().strip();
    }

    private static List<Element> children(Element parent, String tag) {
        List<Element> found = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(tag)) {
                found.add(e);
            }
        }
        return found;
    }
}
